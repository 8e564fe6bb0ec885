// Install diagnostics: the last requests ingest refused, per funnel, so a wrong key or
// a page on an origin that is not allowed shows up in the dashboard instead of
// failing silently. In memory only (a restart forgets, which is fine for "what is
// wrong right now") and bounded: a few distinct refusals per funnel, a bounded number
// of funnels. Only the refusal path writes here, in constant time.
import type { Database } from "bun:sqlite";
import { Lru } from "../enrich/lru";
import type { AppError } from "../http/errors";
import type { FieldError } from "./payload";

export type RefusalReason = "wrong_key" | "origin_not_allowed" | "rate_limited" | "invalid_event" | "invalid_request";

export interface Refusal {
  reason: RefusalReason;
  /** The error code the sender got, e.g. origin_not_allowed. */
  code: string;
  /** The server's message, or the first validation message for invalid events. */
  message: string;
  /** The page origin the request came from, if any. */
  origin: string | null;
  count: number;
  firstAt: number;
  lastAt: number;
}

const REASONS: Record<string, RefusalReason> = {
  missing_key: "wrong_key",
  invalid_key: "wrong_key",
  origin_required: "origin_not_allowed",
  origin_not_allowed: "origin_not_allowed",
  rate_limited: "rate_limited",
  no_valid_events: "invalid_event",
};

export const REFUSALS_PER_FUNNEL = 10;
export const REFUSAL_FUNNELS = 1000;

export class RefusalLog {
  private byFunnel = new Lru<string, Refusal[]>(REFUSAL_FUNNELS);
  private exists;

  constructor(
    sqlite: Database,
    private now: () => number = Date.now,
  ) {
    const select = sqlite.prepare<{ one: number }, [string]>("SELECT 1 AS one FROM funnels WHERE id = ?");
    this.exists = (id: string) => select.get(id) !== null;
  }

  /** A request answered with an error: remembered if it names a funnel that exists. */
  refused(funnelId: string | undefined, e: AppError, origin: string | null): void {
    if (!funnelId || e.status >= 500) return;
    const message = e.code === "no_valid_events" ? firstFieldError(e.details) ?? e.message : e.message;
    this.add(funnelId, REASONS[e.code] ?? "invalid_request", e.code, message, origin);
  }

  /** A batch accepted with some events rejected. */
  rejected(funnelId: string, rejected: { errors: FieldError[] }[], origin: string | null): void {
    if (rejected.length) this.add(funnelId, "invalid_event", "event_rejected", firstFieldError(rejected) ?? "an event was rejected", origin);
  }

  /** Most recent first. */
  recent(funnelId: string): Refusal[] {
    return [...(this.byFunnel.get(funnelId) ?? [])].sort((a, b) => b.lastAt - a.lastAt);
  }

  /** Forget refusals that a change has fixed, e.g. an origin now allowed. */
  forget(funnelId: string, match: (r: Refusal) => boolean): void {
    const list = this.byFunnel.get(funnelId);
    if (list) this.byFunnel.set(funnelId, list.filter((r) => !match(r)));
  }

  private add(funnelId: string, reason: RefusalReason, code: string, message: string, origin: string | null): void {
    let list = this.byFunnel.get(funnelId);
    if (!list) {
      if (!this.exists(funnelId)) return;
      list = [];
      this.byFunnel.set(funnelId, list);
    }
    const now = this.now();
    const same = list.find((r) => r.code === code && r.origin === origin && r.message === message);
    if (same) {
      same.count++;
      same.lastAt = now;
      return;
    }
    if (list.length >= REFUSALS_PER_FUNNEL) {
      let oldest = 0;
      for (let i = 1; i < list.length; i++) if (list[i].lastAt < list[oldest].lastAt) oldest = i;
      list.splice(oldest, 1);
    }
    list.push({ reason, code, message: message.slice(0, 300), origin: origin?.slice(0, 200) ?? null, count: 1, firstAt: now, lastAt: now });
  }
}

function firstFieldError(details: unknown): string | null {
  const first = Array.isArray(details) ? (details[0] as { errors?: FieldError[] } | undefined)?.errors?.[0] : undefined;
  return first ? `${first.path}: ${first.message}` : null;
}

// One log per database, shared by the ingest route that writes it and the pages that read it.
const logs = new WeakMap<Database, RefusalLog>();

export function refusalLogOf(sqlite: Database): RefusalLog {
  let log = logs.get(sqlite);
  if (!log) {
    log = new RefusalLog(sqlite);
    logs.set(sqlite, log);
  }
  return log;
}
