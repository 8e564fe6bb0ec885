// Payments recorded through the real queue and processed by the real worker.
import type { Database } from "bun:sqlite";
import { GroupCommitter } from "../../src/ingest/group-commit";
import type { PaymentFact } from "../../src/payments/payment";
import { recordPayments } from "../../src/payments/record";
import { encodeReference } from "../../src/payments/reference";
import { processed, sendEvents, type TestFunnel, type TestServer } from "../helpers/server";
import { WIDE_EVENTS_SQL, WIDE_SESSIONS_SQL } from "../../src/store/sqlite/layout";

export function order(over: Partial<PaymentFact> = {}): PaymentFact {
  return {
    kind: "order", provider: "stripe", providerEventId: `evt_${crypto.randomUUID()}`, orderId: "pi_1", amountMinor: 4900,
    currency: "USD", ts: Date.now(), email: null, reference: null, test: false, ...over,
  };
}

export function refund(over: Partial<PaymentFact> = {}): PaymentFact {
  return { ...order(), kind: "refund", amountMinor: 1000, ...over };
}

export async function record(server: TestServer, funnelId: string, facts: PaymentFact[]): Promise<void> {
  const committer = new GroupCommitter(server.ctx.store.queue);
  await recordPayments({ committer, now: server.ctx.now }, funnelId, facts);
  await processed(server);
}

/** A page visit with the SDK's kind of ids; returns them and the checkout reference. */
export async function visit(server: TestServer, funnel: TestFunnel, url: string, extra: object[] = [], opts: { anonymousId?: string; ts?: number } = {}) {
  const anonymousId = opts.anonymousId ?? crypto.randomUUID();
  const sessionId = crypto.randomUUID();
  const ts = opts.ts ?? Date.now();
  const r = await sendEvents(
    server,
    { funnelId: funnel.id, key: funnel.publicKey, events: [{ id: crypto.randomUUID(), type: "page_view", anonymousId, sessionId, url, ts }, ...extra.map((e) => ({ id: crypto.randomUUID(), anonymousId, sessionId, url, ts, ...e }))] },
    { origin: "https://shop.example" },
  );
  if (r.status !== 202) throw new Error(`visit: ${r.status} ${JSON.stringify(r.json)}`);
  await processed(server);
  return { anonymousId, sessionId, reference: encodeReference({ anonymousId, sessionId })! };
}

export function eventsOf(sqlite: Database, funnelId: string, orderId: string) {
  return sqlite
    .query<{ id: string; type: string; revenue_minor: number | null; currency: string; verified: number; session_id: string; anonymous_id: string; contact_id: number | null; flags: string | null; props: string | null; ts: number }, [string, string]>(
      `SELECT id, type, revenue_minor, currency, verified, session_id, anonymous_id, contact_id, flags, props, ts FROM (${WIDE_EVENTS_SQL}) WHERE funnel_id = ? AND order_id = ? ORDER BY row_id`,
    )
    .all(funnelId, orderId);
}

export function sessionOf(sqlite: Database, funnelId: string, id: string) {
  return sqlite
    .query<{ conversions: number; converted: number; revenue: string; contact_id: number | null; last_at: number }, [string, string]>(
      `SELECT conversions, converted, revenue, contact_id, last_at FROM (${WIDE_SESSIONS_SQL}) WHERE funnel_id = ? AND id = ?`,
    )
    .get(funnelId, id);
}
