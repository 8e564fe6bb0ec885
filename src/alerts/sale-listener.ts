// Per-sale alerts: each verified conversion fires the funnel's "sale" rules in
// "each" mode, inside the processing transaction (so the mail job exists exactly when
// the sale does). The hot path only looks at the events' verified flag; rules are read
// when a verified sale is there.
import type { Database } from "bun:sqlite";
import type { EventsListener } from "../context";
import type { Db } from "../db/open";
import { getFunnel } from "../funnels/store";
import { JobQueue } from "../jobs/queue";
import { fromMinorUnits } from "../pipeline/money";
import { fireAlert } from "./firings";
import { listAlerts } from "./rules";

export function saleAlertListener(sqlite: Database, db: Db, now: () => number): EventsListener {
  const queue = new JobQueue(sqlite);
  return (events) => {
    for (const e of events) {
      if (e.type !== "conversion" || !e.verified || e.revenueMinor === null || !e.currency) continue;
      for (const rule of listAlerts(sqlite, e.funnelId)) {
        if (rule.kind !== "sale" || (rule.params as { mode: string }).mode !== "each") continue;
        const amount = new Intl.NumberFormat("en-US", { style: "currency", currency: e.currency }).format(fromMinorUnits(e.revenueMinor, e.currency));
        const source = e.channel ?? "no visit";
        fireAlert(sqlite, queue, rule, `sale:${e.id}`, {
          // The funnel's name first, as in every alert: a founder with several funnels sees which sold.
          subject: `[Aurea] ${getFunnel(db, e.funnelId)?.name ?? e.funnelId}: sale ${amount} (${e.name}, ${source})`,
          text: `A verified sale of ${amount} was recorded: ${e.name}${e.path ? ` on ${e.path}` : ""}, from ${source}${e.utmSource ? ` (${e.utmSource})` : ""}, at ${new Date(e.ts).toISOString()}.\n`,
        }, now());
      }
    }
  };
}
