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
