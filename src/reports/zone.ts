// The time zone a funnel's digests and alerts are computed in. Funnels have no zone
// setting of their own yet: until they do, this is the one place that decides.
import type { Db } from "../db/open";

export function funnelTimeZone(_db: Db, _funnelId: string): string {
  return "UTC";
}
