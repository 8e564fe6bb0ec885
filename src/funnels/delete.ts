// Deleting a funnel deletes everything recorded for it, in one transaction:
// either all of it is gone or nothing is. The control plane's rows are deleted here,
// the event plane's (events, visits, contacts, every rollup) by the event store.
// Pending background jobs that pointed at its automations or deliveries find
// nothing and finish as no-ops.
import type { Database } from "bun:sqlite";
import type { Store } from "../db/open";
import { stampPathOf, touchStamp } from "./change-stamp";

/** The control plane's rows of the funnel, before the funnel row itself. */
const STATEMENTS = [
  `DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE funnel_id = :id)`,
  `DELETE FROM deliveries WHERE funnel_id = :id`,
  `DELETE FROM automation_firings WHERE automation_id IN (SELECT id FROM automations WHERE funnel_id = :id)`,
  `DELETE FROM automations WHERE funnel_id = :id`,
  // Its delivery log goes with it (ON DELETE CASCADE).
  `DELETE FROM payment_connections WHERE funnel_id = :id`,
  `DELETE FROM experiments WHERE funnel_id = :id`,
  `DELETE FROM payment_order_aliases WHERE funnel_id = :id`,
  `DELETE FROM alert_firings WHERE rule_id IN (SELECT id FROM alert_rules WHERE funnel_id = :id)`,
  `DELETE FROM alert_rules WHERE funnel_id = :id`,
  `DELETE FROM report_subscriptions WHERE funnel_id = :id`,
  `DELETE FROM report_sends WHERE funnel_id = :id`,
];

/** Removes the funnel and all its data; false when there was no such funnel. */
export function deleteFunnelData(store: Store, funnelId: string): boolean {
  // Its queued batches first (their own database): none can be processed afterwards.
  store.queue.query("DELETE FROM ingest_batches WHERE funnel_id = ?").run(funnelId);
  const sqlite: Database = store.sqlite;
  const run = sqlite.transaction((id: string) => {
    for (const sql of STATEMENTS) sqlite.query(sql).run({ id });
    store.events.retention.forgetFunnel(id);
    return sqlite.query("DELETE FROM funnels WHERE id = ?").run(id).changes > 0;
  });
  const removed = run.immediate(funnelId);
  touchStamp(stampPathOf(store.path));
  return removed;
}
