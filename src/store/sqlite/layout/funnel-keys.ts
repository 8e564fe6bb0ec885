// One small integer per funnel (funnel_keys), held by every event-plane row and index
// instead of the public `fn_…` id. The writer makes it on a funnel's first event; a
// reader that finds none answers "no data".
import type { Database } from "bun:sqlite";

const readers = new WeakMap<Database, ReturnType<typeof lookup>>();

function lookup(db: Database) {
  return db.prepare<{ key: number }, [string]>("SELECT key FROM funnel_keys WHERE funnel_id = ?");
}

/** The funnel's key, or null when nothing was ever stored for it. */
export function funnelKey(db: Database, funnelId: string): number | null {
  let q = readers.get(db);
  if (!q) readers.set(db, (q = lookup(db)));
  return q.get(funnelId)?.key ?? null;
}

/**
 * The writer's side: the key, made when new. Keys are never deleted (a forgotten
 * funnel's rows go, its key stays), so a cached key stays right after a rollback
 * except for one made inside it: forget() then.
 */
export class FunnelKeys {
  private cache = new Map<string, number>();
  private find;
  private insert;

  constructor(db: Database) {
    this.find = lookup(db);
    this.insert = db.prepare<{ key: number }, [string]>("INSERT INTO funnel_keys (funnel_id) VALUES (?) RETURNING key");
  }

  ensure(funnelId: string): number {
    let key = this.cache.get(funnelId);
    if (key === undefined) {
      key = this.find.get(funnelId)?.key ?? this.insert.get(funnelId)!.key;
      this.cache.set(funnelId, key);
    }
    return key;
  }

  forget(): void {
    this.cache.clear();
  }
}

/** One-off form for callers outside the writer (seeding, tests). */
export function ensureFunnelKey(db: Database, funnelId: string): number {
  return funnelKey(db, funnelId) ?? db.query<{ key: number }, [string]>("INSERT INTO funnel_keys (funnel_id) VALUES (?) RETURNING key").get(funnelId)!.key;
}
