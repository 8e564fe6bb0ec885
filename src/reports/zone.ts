// The time zone a funnel's digests and alerts are computed in: the funnel's own setting
// (src/funnels/time-zone.ts), UTC until one is set.
import type { Db } from "../db/open";
import { getTimeZone } from "../funnels/time-zone";

export function funnelTimeZone(db: Db, funnelId: string): string {
  return getTimeZone(db, funnelId) ?? "UTC";
}
