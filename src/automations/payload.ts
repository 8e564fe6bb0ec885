// The JSON body of a webhook, in the Standard Webhooks envelope {type, timestamp, data}.
// data: the rule, the funnel, the event, its session's attribution, the contact if
// known, and for step triggers which step.
import type { EventView } from "../store/dashboard-views";
import type { ContactInfo, SessionInfo } from "../store/journey-reader";
import type { FunnelInfo } from "./runtime-lookups";
import type { Trigger } from "./rule-schema";

export interface StepInfo {
  number: number;
  name: string;
  /** When the visitor entered the funnel (reached step 1) in this run. */
  enteredAt: number;
  reachedAt: number;
  /** Abandonment only: the step that was not reached, and how long Aurea waited. */
  missedStep?: { number: number; name: string };
  waitedSeconds?: number;
}

export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: {
    rule: { id: string; name: string; trigger: Trigger };
    funnel: FunnelInfo;
    event: EventView | null;
    session: SessionInfo | null;
    contact: ContactInfo | null;
    step?: StepInfo;
    test?: boolean;
  };
}

export function buildPayload(
  triggerType: string,
  now: number,
  parts: Omit<WebhookPayload["data"], "event" | "session" | "contact"> & Partial<Pick<WebhookPayload["data"], "event" | "session" | "contact">>,
): string {
  const { rule, funnel, event = null, session = null, contact = null, step, test } = parts;
  const body: WebhookPayload = {
    type: `aurea.${triggerType}`,
    timestamp: new Date(now).toISOString(),
    data: { rule, funnel, event, session, contact, ...(step ? { step } : {}), ...(test ? { test } : {}) },
  };
  return JSON.stringify(body);
}

/** What "send a test delivery" sends: a realistic sample, marked test. */
export function testPayload(rule: { id: string; name: string; trigger: Trigger }, funnel: FunnelInfo, now: number): string {
  const event: EventView = {
    id: "test-event", type: "conversion", name: "purchase", ts: now, anonymousId: "test-visitor", sessionId: "test-session",
    contactId: null, userId: null, url: `${funnel.url.replace(/\/$/, "")}/thank-you`, path: "/thank-you", title: "Thank you",
    props: { plan: "pro" }, revenue: { amount: 49, currency: "USD" }, verified: true, browser: "Chrome", browserVersion: "126",
    os: "Windows", device: "desktop", country: "FR", region: null, city: null, channel: "Paid Search", referrer: null,
    referrerHost: "www.google.com", utm_source: "google", utm_medium: "cpc", utm_campaign: "launch", utm_term: null,
    utm_content: null, clickId: null, flags: [],
  };
  const session: SessionInfo = {
    id: "test-session", startedAt: now - 5 * 60_000, entryPath: "/", channel: "Paid Search", referrerHost: "www.google.com",
    utm_source: "google", utm_medium: "cpc", utm_campaign: "launch", utm_term: null, utm_content: null, clickId: null,
    country: "FR", device: "desktop", browser: "Chrome", os: "Windows",
  };
  return buildPayload("test", now, { rule, funnel, event, session, contact: null, test: true });
}
