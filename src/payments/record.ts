// Recording verified payments: the facts a provider's webhook carried go into the same
// durable ingest queue as tracked events, as one batch row of key kind "payment". The
// processing worker turns them into events (src/store/sqlite/writer/payments.ts), so a
// payment is stored, joined and deduplicated exactly like any other event, and the
// webhook is answered only once the batch is as durable as an accepted track request.
import type { GroupCommitter } from "../ingest/group-commit";
import type { PaymentFact } from "./payment";

/** The queue's key kind for batches of payment facts (the payload is a PaymentFact[]). */
export const PAYMENT_KEY_KIND = "payment";

/**
 * What recording needs from the running server: the ingest queue's group committer
 * (created in startServer, handed to the routes beside `ctx`) and the server clock.
 */
export interface RecordDeps {
  committer: Pick<GroupCommitter, "enqueue">;
  now: () => number;
}

const CURRENCY = /^[A-Z]{3}$/;

/** A programming error in an adapter, never the provider's fault: fail loudly before queueing. */
function checkFact(f: PaymentFact, i: number): void {
  const problem =
    f.kind !== "order" && f.kind !== "refund" ? "kind"
    : !f.orderId ? "orderId"
    : !Number.isSafeInteger(f.amountMinor) || f.amountMinor < 0 ? "amountMinor"
    : !CURRENCY.test(f.currency) ? "currency"
    : !Number.isFinite(f.ts) ? "ts"
    : null;
  if (problem) throw new TypeError(`payment fact ${i}: invalid ${problem}`);
}

/**
 * Durably enqueues the facts for one funnel. Resolves only after the queue's commit and
 * fsync; rejects if either failed (answer 5xx so the provider retries). Processing is
 * idempotent, so a fact recorded twice (a redelivery) changes nothing the second time.
 */
export async function recordPayments(deps: RecordDeps, funnelId: string, facts: PaymentFact[]): Promise<void> {
  if (!facts.length) return;
  facts.forEach(checkFact);
  await deps.committer.enqueue({
    funnelId,
    keyKind: PAYMENT_KEY_KIND,
    receivedAt: deps.now(),
    ip: null,
    userAgent: null,
    payload: JSON.stringify(facts),
  });
}
