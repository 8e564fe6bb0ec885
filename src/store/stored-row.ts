// What every event store makes of a processed event before writing it in its own shape:
// the StoredEvent listeners receive (automations, alerts, rollups), the visit's
// attribution applied, and the fields of a provider's payment.
import type { Attribution } from "../enrich/attribution";
import type { QueuedEvent } from "../ingest/validate";
import type { PaymentFact } from "../payments/payment";
import type { Enriched } from "../pipeline/enrich-event";
import type { StoredEvent } from "../pipeline/stored-event";

/** Where a visit came from: what every event of the visit carries. */
export interface SessionAttribution extends Attribution {
  channel: string | null;
  referrerHost: string | null;
}

export interface StoredRowInput {
  funnelId: string;
  id: string;
  name: string;
  receivedAt: number;
  event: QueuedEvent;
  en: Enriched;
  anonymousId: string;
  sessionId: string;
  contactId: number | null;
  attribution: SessionAttribution;
  orderId: string | null;
  /** An order already counted: stored, flagged, counted nowhere. */
  superseded: boolean;
}

export function storedRow(i: StoredRowInput): StoredEvent {
  const { event: e, en, attribution: a } = i;
  return {
    rowId: 0, funnelId: i.funnelId, id: i.id, type: e.type, name: i.name, ts: e.ts, receivedAt: i.receivedAt,
    anonymousId: i.anonymousId, sessionId: i.sessionId, userId: e.userId ?? null, contactId: i.contactId, url: e.url ?? null, path: en.path,
    title: e.title ?? null, referrer: e.referrer ?? null, referrerHost: en.referrerHost,
    screenW: e.screen?.w ?? null, screenH: e.screen?.h ?? null, language: e.language ?? null,
    timezone: e.timezone ?? null, props: e.props ?? null, revenueMinor: en.revenueMinor, currency: en.currency,
    verified: en.verified, browser: en.ua.browser, browserVersion: en.ua.browserVersion, os: en.ua.os,
    device: en.ua.device, country: en.geo.country, region: en.geo.region, city: en.geo.city,
    channel: a.channel, utmSource: a.utmSource, utmMedium: a.utmMedium,
    utmCampaign: a.utmCampaign, utmTerm: a.utmTerm, utmContent: a.utmContent,
    clickId: a.clickId, flags: [...(e.flags ?? []), ...(i.superseded ? ["superseded"] : [])].join(",") || null,
    orderId: i.orderId,
  };
}

/** A payment's props: provider and order, the product, and for a test payment its amount (it counts nowhere). */
export function paymentProps(f: PaymentFact): NonNullable<StoredEvent["props"]> {
  const props: NonNullable<StoredEvent["props"]> = { provider: f.provider, order_id: f.orderId };
  if (f.product) props.product = f.product.slice(0, 200);
  if (f.test) Object.assign(props, { test: true, amount_minor: f.amountMinor });
  return props;
}
