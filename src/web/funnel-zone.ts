// Which time zone a funnel's pages are drawn in: the funnel's setting. Until one is set,
// an owner's first visit adopts the browser zone app.js keeps in the aurea_tz cookie (so
// no page reloads itself to learn it); without either, UTC.
import { validTimeZone } from "../analytics/timezone";
import type { AppContext } from "../context";
import { adoptTimeZone, getTimeZone } from "../funnels/time-zone";
import { readCookie } from "./auth/cookies";

export const TZ_COOKIE = "aurea_tz";

export function browserZone(headers: Headers): string | null {
  return validTimeZone(readCookie(headers, TZ_COOKIE));
}

export function funnelZone(ctx: AppContext, funnelId: string, headers: Headers, owner: boolean): string {
  const db = ctx.store.db;
  const set = validTimeZone(getTimeZone(db, funnelId));
  if (set) return set;
  const browser = browserZone(headers);
  if (browser && owner) return validTimeZone(adoptTimeZone(db, funnelId, browser)) ?? browser;
  return browser ?? "UTC";
}

/** Every zone Intl knows, for the settings picker. */
export function knownTimeZones(): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}
