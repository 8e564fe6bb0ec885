// Payment connections: which providers may report payments for a funnel, and the secret
// (or Gumroad URL token hash) their webhooks are checked with. Owns payment_connections.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../db/open";
import { paymentConnections } from "../db/schema";
import type { PaymentProvider } from "./payment";

export interface PaymentConnection {
  id: number;
  funnelId: string;
  provider: PaymentProvider;
  /** Readable: every webhook is verified with it. Never shown: see maskSecret. */
  secret: string | null;
  tokenHash: string | null;
  testMode: boolean;
  createdAt: number;
}

type Row = typeof paymentConnections.$inferSelect;

function toConnection(r: Row): PaymentConnection {
  return { ...r, provider: r.provider as PaymentProvider };
}

export function getConnection(db: Db, funnelId: string, provider: PaymentProvider): PaymentConnection | null {
  const row = db
    .select()
    .from(paymentConnections)
    .where(and(eq(paymentConnections.funnelId, funnelId), eq(paymentConnections.provider, provider)))
    .get();
  return row ? toConnection(row) : null;
}

export function listConnections(db: Db, funnelId: string): PaymentConnection[] {
  return db
    .select()
    .from(paymentConnections)
    .where(eq(paymentConnections.funnelId, funnelId))
    .orderBy(asc(paymentConnections.provider))
    .all()
    .map(toConnection);
}

export interface ConnectionValues {
  funnelId: string;
  provider: PaymentProvider;
  secret: string | null;
  tokenHash: string | null;
  testMode: boolean;
}

/** Connects the provider, or replaces the secret/token of its connection (its log is kept). */
export function saveConnection(db: Db, v: ConnectionValues, now: number): PaymentConnection {
  const row = db
    .insert(paymentConnections)
    .values({ ...v, createdAt: now })
    .onConflictDoUpdate({
      target: [paymentConnections.funnelId, paymentConnections.provider],
      set: { secret: v.secret, tokenHash: v.tokenHash, testMode: v.testMode },
    })
    .returning()
    .get();
  return toConnection(row);
}

/** Removes the connection and its delivery log; false when there was none. */
export function removeConnection(db: Db, funnelId: string, provider: PaymentProvider): boolean {
  const gone = db
    .delete(paymentConnections)
    .where(and(eq(paymentConnections.funnelId, funnelId), eq(paymentConnections.provider, provider)))
    .returning({ id: paymentConnections.id })
    .all();
  return gone.length > 0;
}

/** Enough of a secret to recognise it ("whsec_4f…"), never enough to use it. */
export function maskSecret(secret: string | null): string | null {
  if (!secret) return null;
  const underscore = secret.lastIndexOf("_");
  const shown = Math.min(underscore + 1 + 4, Math.floor(secret.length / 3));
  return `${secret.slice(0, Math.max(0, shown))}…`;
}
