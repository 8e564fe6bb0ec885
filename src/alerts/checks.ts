// The periodic alert checks: each looks at one rule now and says whether it should
// fire, with the reason for the subject. Numbers come from the dashboard's readers.
import type { Database } from "bun:sqlite";
import { statfsSync } from "node:fs";
import type { ClockedReader } from "../store/sqlite/dashboard/dashboard-reader";
import { revenueReport } from "../analytics/revenue-report";
import { currencySetting } from "../funnels/currency";
import { localDate, localMidnight, localParts, startOfLocalDay } from "../analytics/timezone";
import type { DeliveryStore } from "../automations/deliveries";
import { queueCounts } from "../pipeline/batch-list";
import type { Funnel } from "../funnels/store";
import { formatMoney } from "../../views/reports/digest-format";
import { windowKeyAt, type AlertMessage } from "./firings";
import type { AlertRule } from "./rules";

export interface CheckDeps {
  reader: ClockedReader;
  queueDb: Database;
  deliveries: DeliveryStore;
  dataDir: string;
  zoneOf: (funnelId: string) => string;
  /** Free bytes where the data lives (replaceable in tests). */
  freeBytes?: (dir: string) => number;
}

export interface Firing extends AlertMessage {
  windowKey: string;
}

const WEEK = 7 * 86_400_000;
const HOUR = 3_600_000;
const pct = (r: number) => `${(r * 100).toFixed(1).replace(/\.0$/, "")}%`;

function sameWeekdays(from: number, to: number, weeks = 4): { from: number; to: number }[] {
  return Array.from({ length: weeks }, (_, i) => ({ from: from - (i + 1) * WEEK, to: to - (i + 1) * WEEK }));
}

export async function checkRule(deps: CheckDeps, rule: AlertRule, funnel: Funnel, now: number): Promise<Firing | null> {
  const tz = deps.zoneOf(funnel.id);
  const scope = (r: { from: number; to: number }) => ({ funnelId: funnel.id, filters: [], ...r });
  const fire = (subject: string, text: string): Firing => ({ windowKey: windowKeyAt(rule, now), subject: `[Aurea] ${funnel.name}: ${subject}`, text });
  switch (rule.kind) {
    case "sale": {
      const p = rule.params as { mode: "each" | "daily" };
      if (p.mode !== "daily") return null;
      const today = startOfLocalDay(now, tz);
      const lp = localParts(now, tz);
      if (now < localMidnight(lp.year, lp.month, lp.day, tz) + 9 * HOUR) return null;
      const yesterday = { from: localMidnight(lp.year, lp.month, lp.day - 1, tz), to: today };
      const rev = revenueReport(await deps.reader.dashboard.revenueOrders({ funnelId: funnel.id, ...yesterday, model: "last_touch", breakdown: "channel", includeTest: false }), currencySetting(deps.reader.sqlite, funnel.id));
      const day = localDate(yesterday.from, tz);
      return {
        windowKey: `daily:${day}`,
        subject: `[Aurea] ${funnel.name}: ${rev.orders} sale${rev.orders === 1 ? "" : "s"} on ${day}, ${formatMoney(rev.verifiedNet, rev.currency)} verified`,
        text: `Sales of ${funnel.name} on ${day} (${tz}): ${rev.orders} orders, ${formatMoney(rev.gross, rev.currency)} gross, ${formatMoney(rev.refunded, rev.currency)} refunded, ${formatMoney(rev.verifiedNet, rev.currency)} verified net.\n`,
      };
    }
    case "conversion_drop": {
      const p = rule.params as { percent: number; minVisits: number };
      const span = { from: startOfLocalDay(now, tz), to: now };
      const cur = (await deps.reader.dashboard.sums({ scope: scope(span), now: deps.reader.now() })).tally;
      if (cur.visits < p.minVisits) return null;
      let visits = 0;
      let converted = 0;
      for (const r of sameWeekdays(span.from, span.to)) {
        const t = (await deps.reader.dashboard.sums({ scope: scope(r), now: deps.reader.now() })).tally;
        visits += t.visits;
        converted += t.converted;
      }
      if (!visits || !converted) return null;
      const usual = converted / visits;
      const rate = cur.converted / cur.visits;
      if (rate >= usual * (1 - p.percent / 100)) return null;
      return fire(`conversion rate ${pct(rate)} today, usually ${pct(usual)}`, `Today so far ${cur.converted} of ${cur.visits} visits converted (${pct(rate)}); on the same weekday over the last 4 weeks, by this time, ${pct(usual)} did. The alert fires on a drop of more than ${p.percent}%.\n`);
    }
    case "traffic_spike": {
      const p = rule.params as { percent: number; minVisitors: number };
      const span = { from: now - HOUR, to: now };
      const cur = (await deps.reader.dashboard.totals({ scope: scope(span), historyStart: funnel.firstEventAt, now: deps.reader.now() })).visitors;
      if (cur < p.minVisitors) return null;
      const past = await Promise.all(
        sameWeekdays(span.from, span.to).map(async (r) => (await deps.reader.dashboard.totals({ scope: scope(r), historyStart: funnel.firstEventAt, now: deps.reader.now() })).visitors),
      );
      const usual = past.reduce((a, b) => a + b, 0) / past.length;
      if (cur <= usual * (1 + p.percent / 100)) return null;
      return fire(`traffic spike: ${cur} visitors in the last hour, usually ${usual.toFixed(1)}`, `${cur} visitors in the last hour; the same hour on the same weekday averaged ${usual.toFixed(1)} over the last 4 weeks. The alert fires above +${p.percent}%.\n`);
    }
    case "webhook_failures": {
      const p = rule.params as { min: number };
      const n = deps.deliveries.failedSince(funnel.id, now - rule.windowSeconds * 1000);
      if (n < p.min) return null;
      return fire(`${n} webhook deliver${n === 1 ? "y" : "ies"} failed`, `${n} webhook deliveries of this funnel's automations failed for good in the last ${rule.windowSeconds / 60} minutes. Open Automations in the dashboard for the receivers' answers.\n`);
    }
    case "parked_batches": {
      const p = rule.params as { min: number };
      const { parked } = queueCounts(deps.queueDb);
      if (parked < p.min) return null;
      return fire(`${parked} ingest batch${parked === 1 ? " is" : "es are"} parked`, `${parked} ingest batches failed processing and are parked (GET /api/v1/funnels/:id/batches?status=parked shows their errors). Their events are kept, not counted.\n`);
    }
    case "disk_low": {
      const p = rule.params as { freeMb: number };
      const free = (deps.freeBytes ?? diskFree)(deps.dataDir);
      const mb = Math.floor(free / 1_048_576);
      if (mb >= p.freeMb) return null;
      return fire(`disk space low: ${mb} MB free`, `Only ${mb} MB are free where the data directory ${deps.dataDir} lives (the alert fires under ${p.freeMb} MB). When the disk fills, ingest stops accepting events.\n`);
    }
  }
}

export function diskFree(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}
