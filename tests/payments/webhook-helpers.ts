// Signing and sending payment webhooks as the providers do, for tests.
import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import type { TestServer } from "../helpers/server";
import { connectProvider } from "../../src/payments/setup";

export const stripeClient = new Stripe("sk_test_aurea_tests");

/** Stripe's own signer (the official package), as Stripe signs deliveries. */
export async function stripeSignature(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): Promise<string> {
  return stripeClient.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp });
}

export function paddleSignature(body: string, secret: string, ts = Math.floor(Date.now() / 1000)): string {
  return `ts=${ts};h1=${createHmac("sha256", secret).update(`${ts}:${body}`).digest("hex")}`;
}

export function lemonSqueezySignature(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/** Standard Webhooks headers signed by the `standardwebhooks` library (Whop's scheme). */
export function whopHeaders(body: string, secret: string, id = `msg_${crypto.randomUUID()}`, at = new Date()): Record<string, string> {
  const wh = secret.startsWith("whsec_") ? new Webhook(secret) : new Webhook(secret, { format: "raw" });
  return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": wh.sign(id, at, body) };
}

export function connect(server: TestServer, funnelId: string, provider: string, secret?: string, testMode = false) {
  return connectProvider(server.ctx.store.db, funnelId, { provider, secret, testMode }, server.url, server.ctx.now());
}

export async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** Batches ever written to the ingest queue (AUTOINCREMENT: processed batches still count). */
export function batchesEverQueued(server: TestServer): number {
  const row = server.ctx.store.queue.query("SELECT seq FROM sqlite_sequence WHERE name = 'ingest_batches'").get() as { seq: number } | null;
  return row?.seq ?? 0;
}

export function stripeEvent(type: string, object: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: `evt_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: true,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
    ...extra,
  });
}
