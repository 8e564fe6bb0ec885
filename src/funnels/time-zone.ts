// A funnel's time zone: the one zone its pages, steps report, drill-down and CSV exports
// use. Null until set: the dashboard then adopts the owner's browser zone on first visit.
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/open";
import { funnels } from "../db/schema";

export function getTimeZone(db: Db, funnelId: string): string | null {
  return db.select({ tz: funnels.timeZone }).from(funnels).where(eq(funnels.id, funnelId)).get()?.tz ?? null;
}

/** The caller validates the zone name. False when there is no such funnel. */
export function setTimeZone(db: Db, funnelId: string, tz: string): boolean {
  return db.update(funnels).set({ timeZone: tz }).where(eq(funnels.id, funnelId)).returning({ id: funnels.id }).all().length > 0;
}

/** Sets the zone only when none is set yet; returns the zone in force afterwards. */
export function adoptTimeZone(db: Db, funnelId: string, tz: string): string | null {
  db.update(funnels).set({ timeZone: tz }).where(and(eq(funnels.id, funnelId), isNull(funnels.timeZone))).run();
  return getTimeZone(db, funnelId);
}
