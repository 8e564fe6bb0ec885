import type { Db } from "../db/open";
import { funnels } from "../db/schema";
import { eq } from "drizzle-orm";

/** For CORS preflights, which carry no key: is this origin allowed by the named funnel, or by any? */
export function anyFunnelAllowsOrigin(db: Db, origin: string, funnelId: string | null): boolean {
  const rows = funnelId
    ? db.select({ origins: funnels.origins }).from(funnels).where(eq(funnels.id, funnelId)).all()
    : db.select({ origins: funnels.origins }).from(funnels).all();
  return rows.some((r) => (JSON.parse(r.origins) as string[]).includes(origin));
}
