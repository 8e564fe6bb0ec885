// Per-funnel access, the way Plausible and Umami teams work: owners see and change every
// funnel; a viewer sees only the funnels an owner granted them. The one module that
// touches funnel_members. The dashboard guard (guard.ts) asks canSeeFunnel for every
// /funnels/:id/… request, so pages, htmx panels, CSV export and the live stream share
// one check; lists of funnels are filtered with visibleFunnelIds.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/open";
import { funnelMembers, funnels, users } from "../../db/schema";
import type { DashboardUser } from "./users";

export class AccessInputError extends Error {}

export function canSeeFunnel(db: Db, user: Pick<DashboardUser, "id" | "role">, funnelId: string): boolean {
  if (user.role === "owner") return true;
  return !!db.select({ f: funnelMembers.funnelId }).from(funnelMembers).where(and(eq(funnelMembers.userId, user.id), eq(funnelMembers.funnelId, funnelId))).get();
}

/** The funnels a user may see; null means every funnel (owners). */
export function visibleFunnelIds(db: Db, user: Pick<DashboardUser, "id" | "role">): Set<string> | null {
  if (user.role === "owner") return null;
  return new Set(db.select({ f: funnelMembers.funnelId }).from(funnelMembers).where(eq(funnelMembers.userId, user.id)).all().map((r) => r.f));
}

/** Keeps the items of funnels the user may see. */
export function onlyVisible<T extends { id: string }>(db: Db, user: Pick<DashboardUser, "id" | "role">, items: T[]): T[] {
  const ids = visibleFunnelIds(db, user);
  return ids ? items.filter((f) => ids.has(f.id)) : items;
}

/** Funnel ids a viewer was granted, for the users page and `aurea user list`. */
export function grantsByUser(db: Db): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of db.select().from(funnelMembers).orderBy(funnelMembers.funnelId).all()) out.set(r.userId, [...(out.get(r.userId) ?? []), r.funnelId]);
  return out;
}

export function checkFunnels(db: Db, funnelIds: string[]): void {
  if (!funnelIds.length) return;
  const known = new Set(db.select({ id: funnels.id }).from(funnels).where(inArray(funnels.id, funnelIds)).all().map((r) => r.id));
  const missing = funnelIds.filter((id) => !known.has(id));
  if (missing.length) throw new AccessInputError(`funnels: there is no funnel ${missing.join(", ")}`);
}

/** Adds grants (already granted: kept); returns how many are new. */
export function grantFunnels(db: Db, userId: number, funnelIds: string[], now: number): number {
  checkFunnels(db, funnelIds);
  let added = 0;
  const insert = db.$client.query("INSERT OR IGNORE INTO funnel_members (user_id, funnel_id, created_at) VALUES (?, ?, ?)");
  for (const funnelId of new Set(funnelIds)) added += insert.run(userId, funnelId, now).changes;
  return added;
}

export function revokeFunnels(db: Db, userId: number, funnelIds: string[]): number {
  if (!funnelIds.length) return 0;
  const remove = db.$client.query("DELETE FROM funnel_members WHERE user_id = ? AND funnel_id = ?");
  return funnelIds.reduce((n, funnelId) => n + remove.run(userId, funnelId).changes, 0);
}

/** Sets a viewer's whole list at once (the users page's form). */
export function setUserFunnels(db: Db, userId: number, funnelIds: string[], now: number): void {
  checkFunnels(db, funnelIds);
  db.transaction((tx) => {
    tx.delete(funnelMembers).where(eq(funnelMembers.userId, userId)).run();
    for (const funnelId of new Set(funnelIds)) tx.insert(funnelMembers).values({ userId, funnelId, createdAt: now }).run();
  });
}

/** Everyone who may see the funnel: its owners and the viewers granted it (digest recipients to tick). */
export function funnelAudience(db: Db, funnelId: string): Pick<DashboardUser, "email" | "role">[] {
  const owners = db.select({ email: users.email, role: users.role }).from(users).where(eq(users.role, "owner")).orderBy(users.id).all();
  const viewers = db
    .select({ email: users.email, role: users.role })
    .from(users)
    .innerJoin(funnelMembers, eq(funnelMembers.userId, users.id))
    .where(and(eq(funnelMembers.funnelId, funnelId), eq(users.role, "viewer")))
    .orderBy(users.id)
    .all();
  return [...owners, ...viewers].map((u) => ({ email: u.email, role: u.role === "owner" ? "owner" : "viewer" }));
}

/** The funnel a dashboard path is about (/funnels/ID or /funnels/ID/…), or null. */
export function funnelIdOfPath(pathname: string): string | null {
  const m = pathname.match(/^\/funnels\/([^/]+)/);
  if (!m || m[1] === "new" || m[1] === "menu") return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}
