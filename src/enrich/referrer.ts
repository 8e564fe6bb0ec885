import { hostOf } from "./url.ts";

/**
 * The external referrer's host (lowercase, no "www.") or null for: no
 * referrer, a same-site referral (same host as the page, ignoring "www."; a
 * different subdomain is still external), or a scheme that names no site
 * (file:, about:, chrome-extension:, data:, ...).
 *
 * Android apps send "android-app://<package>/...": these are kept as the
 * package name ("com.google.android.gm" for Gmail), as GA4 does, so that
 * channelFor can classify known apps (Gmail → Email, Google app → Search).
 */
export function referrerHost(
  referrer: string | null | undefined,
  pageUrl: string | null | undefined,
): string | null {
  if (typeof referrer !== "string") return null;
  const ref = referrer.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(ref)?.[1]?.toLowerCase();
  if (scheme !== "http" && scheme !== "https" && scheme !== "android-app") return null;
  const host = hostOf(ref);
  if (host === null) return null;
  if (scheme === "android-app") return /^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(host) ? host : null;
  const self = hostOf(pageUrl);
  return self !== null && self === host ? null : host;
}
