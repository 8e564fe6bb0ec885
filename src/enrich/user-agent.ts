import { UAParser } from "ua-parser-js";
import { Lru } from "./lru.ts";

export type DeviceType = "desktop" | "mobile" | "tablet" | "tv" | "console" | "wearable" | "other";

export interface UaInfo {
  browser: string | null;
  /** Major version only, e.g. "126". */
  browserVersion: string | null;
  os: string | null;
  device: DeviceType;
}

/**
 * Names are ua-parser-js 1.x names, except these renames so a dashboard shows
 * what people call them. "Mobile Safari" (iOS Safari) deliberately stays apart
 * from desktop "Safari"; Chrome/Firefox/Edge are already one name on every
 * platform. Linux distributions stay as parsed ("Ubuntu", "Fedora", "Linux").
 */
// Maps, not object literals: parsed names can come from the UA text ("constructor").
const BROWSER_NAMES = new Map([
  ["Chrome Headless", "Headless Chrome"],
  ["IE", "Internet Explorer"],
  ["GSA", "Google App"],
]);

const OS_NAMES = new Map([
  ["Mac OS", "macOS"],
  ["Chromium OS", "ChromeOS"],
]);

const DEVICE_TYPES = new Map<string, DeviceType>([
  ["mobile", "mobile"],
  ["tablet", "tablet"],
  ["smarttv", "tv"],
  ["console", "console"],
  ["wearable", "wearable"],
  ["embedded", "other"],
  ["xr", "other"],
]);

// Mobile OSes seen without a device type (rare, e.g. odd Android builds) are phones, not desktops.
const MOBILE_OS = new Set(["Android", "iOS", "Windows Phone", "BlackBerry", "KaiOS", "HarmonyOS"]);

/** Real user agents are shorter; a bounded prefix keeps hostile input cheap to parse and to cache. */
const MAX_UA_LENGTH = 1024;

const cache = new Lru<string, UaInfo>(10_000);

const EMPTY: UaInfo = Object.freeze({ browser: null, browserVersion: null, os: null, device: "other" }) as UaInfo;

function clean(s: string | undefined): string | null {
  const t = s?.trim();
  return t ? t : null;
}

function parse(ua: string): UaInfo {
  const r = new UAParser(ua).getResult();
  const rawBrowser = clean(r.browser.name);
  const rawOs = clean(r.os.name);
  const browser = rawBrowser ? (BROWSER_NAMES.get(rawBrowser) ?? rawBrowser) : null;
  const os = rawOs ? (OS_NAMES.get(rawOs) ?? rawOs) : null;
  const major = clean(r.browser.major);
  const browserVersion = browser && major && /^\d+$/.test(major) ? major : null;

  let device: DeviceType;
  const type = r.device.type;
  if (type) device = DEVICE_TYPES.get(type) ?? "other";
  else if (rawOs && MOBILE_OS.has(rawOs)) device = "mobile";
  // ua-parser leaves the type undefined for desktops.
  else if (os || browser) device = "desktop";
  else device = "other";

  return Object.freeze({ browser, browserVersion, os, device }) as UaInfo;
}

/** Browser, major version, OS and device class of a User-Agent header (memoized). */
export function parseUserAgent(ua: string | null | undefined): UaInfo {
  if (typeof ua !== "string" || ua.trim() === "") return EMPTY;
  const key = ua.length > MAX_UA_LENGTH ? ua.slice(0, MAX_UA_LENGTH) : ua;
  const hit = cache.get(key);
  if (hit) return hit;
  const info = parse(key);
  cache.set(key, info);
  return info;
}
