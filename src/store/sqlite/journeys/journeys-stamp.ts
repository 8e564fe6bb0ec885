// What a funnel report over past days depends on, as a string: a report computed from the
// same stamp is the same report, so it may be kept (src/analytics/steps-report.ts). Only
// for a range whose every day (window included) is a whole UTC day before today, read
// from the journey copies alone, with no filter or breakdown (those read visits, which
// late events can change) and nobody still in progress. The stamp is the copies' rows in
// journey_days (a day rebuilt, appended to, dropped by a trigger or by retention) and the
// funnel's count of other changes (journey_changes: a contact id back-filled in place).
import type { Database } from "bun:sqlite";
import { DAY_MS } from "../../../analytics/timezone";
import { isTransient } from "../../../db/storage-errors";
import type { JourneyQuery } from "../../journey-reader";
import type { Rollup } from "../../rollup-registry";
import { funnelKey } from "../layout";

export function journeysStamp(sqlite: Database, copies: Rollup, funnelId: string, q: JourneyQuery, now: number): string | null {
  if (q.filters?.length || q.breakdown || q.rollupBefore !== undefined || q.from < 0) return null;
  const end = q.to + q.def.windowMs;
  if (end > Math.floor(now / DAY_MS) * DAY_MS) return null;
  const key = funnelKey(sqlite, funnelId);
  if (key === null) return null;
  const span = { from: Math.floor(q.from / DAY_MS) * DAY_MS, to: Math.ceil(end / DAY_MS) * DAY_MS };
  try {
    copies.refresh(funnelId, now, span);
  } catch (e) {
    if (isTransient(e)) return null; // busy, read-only, a full disk: read without keeping
    throw e;
  }
  const days = sqlite
    .query<[number, number, number], [string, number, number]>("SELECT day, events, max_row_id FROM journey_days WHERE funnel_id = ? AND day >= ? AND day < ? ORDER BY day")
    .values(funnelId, span.from / DAY_MS, span.to / DAY_MS);
  const changes = sqlite.query<{ n: number }, [number]>("SELECT n FROM journey_changes WHERE funnel = ?").get(key)?.n ?? 0;
  return `${key}/${changes}/${days.join(";")}`;
}
