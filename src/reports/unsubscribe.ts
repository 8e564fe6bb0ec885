// One-click unsubscribe links (RFC 8058): the link names the funnel, address and
// cadence, signed with the database's own key, so it works without signing in and
// cannot be edited into someone else's subscription.
import type { Database } from "bun:sqlite";
import { createHmac, timingSafeEqual } from "node:crypto";
import { mailSecret } from "../mail/secret";
import { CADENCES, type Cadence } from "./period";

export interface UnsubscribeTarget {
  funnelId: string;
  email: string;
  cadence: Cadence;
}

function mac(key: Buffer, payload: string): Buffer {
  return createHmac("sha256", key).update(`unsubscribe.${payload}`).digest().subarray(0, 18);
}

export function unsubscribeToken(sqlite: Database, t: UnsubscribeTarget, now: number): string {
  const payload = Buffer.from(JSON.stringify([t.funnelId, t.email, t.cadence])).toString("base64url");
  return `${payload}.${mac(mailSecret(sqlite, "unsubscribe", now), payload).toString("base64url")}`;
}

/** The target, or null when the token was not made here or was changed. */
export function verifyUnsubscribeToken(sqlite: Database, token: string, now: number): UnsubscribeTarget | null {
  const [payload, sig, extra] = token.split(".");
  if (!payload || !sig || extra !== undefined || token.length > 1000) return null;
  const expected = mac(mailSecret(sqlite, "unsubscribe", now), payload);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const [funnelId, email, cadence] = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown[];
    if (typeof funnelId !== "string" || typeof email !== "string" || !(CADENCES as readonly unknown[]).includes(cadence)) return null;
    return { funnelId, email, cadence: cadence as Cadence };
  } catch {
    return null;
  }
}

export function unsubscribeUrl(base: string, token: string): string {
  return `${base}/reports/unsubscribe/${token}`;
}
