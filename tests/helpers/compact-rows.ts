// Rows written straight into the compact layout (docs/storage.md), for tests that need
// exact histories without the ingest path: an event's visitor and visit are made when
// new, its strings, kind, client, place and source interned by the layout module's
// dictionaries, as the writer does.
import type { Database } from "bun:sqlite";
import { Dictionaries, encodePublicId, ensureFunnelKey } from "../../src/store/sqlite/layout";

export interface TestEvent {
  funnelId: string;
  id: string;
  type: string;
  name: string;
  ts: number;
  anonymousId: string;
  sessionId: string;
  contactId?: number | null;
  path?: string | null;
  props?: Record<string, unknown> | null;
  revenueMinor?: number | null;
  currency?: string | null;
  orderId?: string | null;
  channel?: string | null;
  device?: string | null;
}

export interface CompactRows {
  /** Inserts the event (and its visitor and visit when new); returns its row id. */
  event(e: TestEvent): number;
  /** The visit's key, made (or widened) to [startedAt, lastAt]. */
  session(funnelId: string, sessionId: string, anonymousId: string, startedAt: number, lastAt: number): number;
  /** The funnel's key (made when new). */
  funnel(funnelId: string): number;
}

const NONE = { browserVersion: null, os: null, screenW: null, screenH: null, language: null, timezone: null };

export function compactRows(sqlite: Database): CompactRows {
  const dict = new Dictionaries(sqlite);
  const findSession = sqlite.prepare<{ key: number }, [number, string | Uint8Array]>("SELECT key FROM sessions WHERE funnel = ? AND public_id = ?");
  const newSession = sqlite.prepare<{ key: number }, [number, string | Uint8Array, number, number, number]>(
    "INSERT INTO sessions (funnel, public_id, visitor, started_at, last_at) VALUES (?, ?, ?, ?, ?) RETURNING key",
  );
  const widen = sqlite.prepare<unknown, [number, number, number]>(
    "UPDATE sessions SET started_at = min(started_at, ?), last_at = max(last_at, ?) WHERE key = ?",
  );
  const setDims = sqlite.prepare<unknown, [number | null, number, number, number]>(
    "UPDATE sessions SET entry_path = coalesce(entry_path, ?), source = coalesce(source, ?), client = coalesce(client, ?) WHERE key = ?",
  );
  const insert = sqlite.prepare<{ row_id: number }, (string | number | Uint8Array | null)[]>(
    `INSERT INTO events (funnel, id, kind, ts, visitor, session, path, client, place, source, props, contact_id, revenue_minor, currency, order_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING row_id`,
  );
  const session = (funnelId: string, sessionId: string, anonymousId: string, startedAt: number, lastAt: number): number => {
    const funnel = ensureFunnelKey(sqlite, funnelId);
    const found = findSession.get(funnel, encodePublicId(sessionId))?.key;
    if (found !== undefined) {
      widen.run(startedAt, lastAt, found);
      return found;
    }
    return newSession.get(funnel, encodePublicId(sessionId), dict.visitor(funnel, anonymousId), startedAt, lastAt)!.key;
  };
  return {
    funnel: (funnelId) => ensureFunnelKey(sqlite, funnelId),
    session,
    event(e) {
      const funnel = ensureFunnelKey(sqlite, e.funnelId);
      const key = session(e.funnelId, e.sessionId, e.anonymousId, e.ts, e.ts);
      const path = dict.string(e.path ?? null);
      const client = dict.client({ ...NONE, browser: null, device: e.device ?? null });
      const place = dict.place({ country: null, region: null, city: null });
      const source = dict.source({ channel: e.channel ?? null, referrerHost: null, utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null });
      setDims.run(path, source, client, key);
      return insert.get(
        funnel, encodePublicId(e.id), dict.kind(e.type, e.name), e.ts, dict.visitor(funnel, e.anonymousId), key, path, client, place, source,
        dict.props(e.props ?? null), e.contactId ?? null, e.revenueMinor ?? null, e.currency ?? null, e.orderId ?? null,
      )!.row_id;
    },
  };
}
