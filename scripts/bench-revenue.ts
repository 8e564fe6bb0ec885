// The revenue report (src/analytics/revenue-report.ts) on a seeded data dir: median of 5
// runs per range, model and breakdown.
//
//   bun scripts/seed-demo.ts --create --events 1000000 --days 90 --data /tmp/rev-bench
//   bun scripts/bench-revenue.ts --data /tmp/rev-bench
import { parseArgs } from "node:util";
import { type RevenueBreakdown, type RevenueModel, revenueReport } from "../src/analytics/revenue-report";
import { openStore } from "../src/db/open";
import { currencySetting } from "../src/funnels/currency";
import { sqliteDashboardReader } from "../src/store/sqlite/dashboard/dashboard-reader";

const { values } = parseArgs({ options: { data: { type: "string", default: "./aurea-data" } } });
const store = openStore(values.data!);
const funnel = store.sqlite.query<{ id: string }, []>("SELECT id FROM funnels ORDER BY created_at LIMIT 1").get();
if (!funnel) throw new Error(`no funnel in ${values.data}: seed one first`);
const dashboard = sqliteDashboardReader(store.sqlite);
const DAY = 86_400_000;
const now = Date.now();
const cases: [number, RevenueModel, RevenueBreakdown][] = [
  [7, "last_touch", "utm_campaign"], [30, "last_touch", "channel"], [30, "first_touch", "utm_source"], [90, "first_touch", "landing_page"],
];
for (const [days, model, breakdown] of cases) {
  const times: number[] = [];
  let orders = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    orders = revenueReport(await dashboard.revenueOrders({ funnelId: funnel.id, from: now - days * DAY, to: now, model, breakdown, includeTest: false }), currencySetting(store.sqlite, funnel.id)).orders;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${days} days, ${model}, by ${breakdown}: ${orders} orders, median ${times[2].toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[4].toFixed(0)})`);
}
store.close();
