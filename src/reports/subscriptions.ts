// Who gets which funnel's digest: the one module that touches report_subscriptions.
import type { Database } from "bun:sqlite";
import type { Cadence } from "./period";

export interface Subscription {
  funnelId: string;
  email: string;
  cadence: Cadence;
  createdAt: number;
}

const COLUMNS = "funnel_id AS funnelId, email, cadence, created_at AS createdAt";

export class SubscriptionInputError extends Error {}

export function normaliseAddress(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/.test(email)) throw new SubscriptionInputError(`"${raw}" is not an email address`);
  return email;
}

/** Adds the address (already there: kept as it was); returns true when it is new. */
export function subscribe(sqlite: Database, funnelId: string, email: string, cadence: Cadence, now: number): boolean {
  return sqlite.query("INSERT OR IGNORE INTO report_subscriptions (funnel_id, email, cadence, created_at) VALUES (?, ?, ?, ?)").run(funnelId, normaliseAddress(email), cadence, now).changes > 0;
}

export function unsubscribe(sqlite: Database, funnelId: string, email: string, cadence: Cadence): boolean {
  return sqlite.query("DELETE FROM report_subscriptions WHERE funnel_id = ? AND email = ? AND cadence = ?").run(funnelId, email.toLowerCase(), cadence).changes > 0;
}

/** Sets the whole list of a funnel's cadence at once (the settings form). */
export function replaceSubscribers(sqlite: Database, funnelId: string, cadence: Cadence, emails: string[], now: number): void {
  const wanted = new Set(emails.map(normaliseAddress));
  sqlite.transaction(() => {
    for (const s of subscriptions(sqlite, funnelId)) if (s.cadence === cadence && !wanted.has(s.email)) unsubscribe(sqlite, funnelId, s.email, cadence);
    for (const e of wanted) subscribe(sqlite, funnelId, e, cadence, now);
  })();
}

export function subscriptions(sqlite: Database, funnelId: string): Subscription[] {
  return sqlite.query<Subscription, [string]>(`SELECT ${COLUMNS} FROM report_subscriptions WHERE funnel_id = ? ORDER BY cadence, email`).all(funnelId);
}

/** Every (funnel, cadence) with at least one subscriber, for the scheduler. */
export function scheduledFunnels(sqlite: Database): { funnelId: string; cadence: Cadence }[] {
  return sqlite.query<{ funnelId: string; cadence: Cadence }, []>("SELECT DISTINCT funnel_id AS funnelId, cadence FROM report_subscriptions ORDER BY funnel_id, cadence").all();
}


/** Drops an address from every digest of the funnel (a viewer whose access was taken away). */
export function forgetAddress(sqlite: Database, funnelId: string, email: string): number {
  return sqlite.query("DELETE FROM report_subscriptions WHERE funnel_id = ? AND email = ?").run(funnelId, email.toLowerCase()).changes;
}
