// A stored event, and the read API's shape of it.
import type { EventView } from "../store/dashboard-views";
import { fromMinorUnits } from "./money";

/** An event as the processing step writes it to the events table. */
export interface StoredEvent {
  rowId: number;
  funnelId: string;
  id: string;
  type: string;
  name: string;
  ts: number;
  receivedAt: number;
  anonymousId: string;
  sessionId: string;
  userId: string | null;
  contactId: number | null;
  url: string | null;
  path: string | null;
  title: string | null;
  referrer: string | null;
  referrerHost: string | null;
  screenW: number | null;
  screenH: number | null;
  language: string | null;
  timezone: string | null;
  props: Record<string, string | number | boolean> | null;
  revenueMinor: number | null;
  currency: string | null;
  verified: boolean;
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  channel: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  clickId: string | null;
  flags: string | null;
  /** The order a conversion or refund is about (see src/store/sqlite/writer/orders.ts). */
  orderId: string | null;
}

/** The same shape the read API gives for an event, from a row just written. */
export function storedToView(e: StoredEvent): EventView {
  return {
    id: e.id, type: e.type, name: e.name, ts: e.ts, anonymousId: e.anonymousId, sessionId: e.sessionId,
    contactId: e.contactId, userId: e.userId, url: e.url, path: e.path, title: e.title, props: e.props,
    revenue: e.revenueMinor !== null && e.currency ? { amount: fromMinorUnits(e.revenueMinor, e.currency), currency: e.currency } : null,
    verified: e.verified, browser: e.browser, browserVersion: e.browserVersion, os: e.os, device: e.device,
    country: e.country, region: e.region, city: e.city, channel: e.channel, referrer: e.referrer,
    referrerHost: e.referrerHost, utm_source: e.utmSource, utm_medium: e.utmMedium, utm_campaign: e.utmCampaign,
    utm_term: e.utmTerm, utm_content: e.utmContent, clickId: e.clickId, flags: e.flags ? e.flags.split(",") : [],
  };
}
