// How long the /funnels cards query takes: 20 funnels, events spread over 30 days
// (the cards read the last 7). Usage: bun scripts/bench-funnel-cards.ts [eventsTotal]
import { rmSync } from "node:fs";
import { funnelCardStats } from "../src/store/sqlite/dashboard/funnel-cards";
import { openStore } from "../src/db/open";
import { createFunnel } from "../src/funnels/store";
import { ensureFunnelKey } from "../src/store/sqlite/layout";
import { tempDir } from "../tests/helpers/server";
import { loadavg } from "node:os";
import { machineLine, percentile } from "./bench-lib";

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const FUNNELS = 20;
const DAY = 86_400_000;
const now = Date.now();
const dir = tempDir("aurea-bench-cards-");
const store = openStore(dir);
try {
  const ids = Array.from({ length: FUNNELS }, (_, i) => createFunnel(store.db, { name: `F${i}`, url: `https://f${i}.example` }).funnel.id);
  // The compact layout (docs/storage.md): funnel keys, kinds, integer visitor and visit keys.
  const keys = ids.map((id) => ensureFunnelKey(store.sqlite, id));
  const kind = (type: string, name: string) =>
    store.sqlite.query<{ id: number }, [string, string]>("INSERT INTO kinds (type, name) VALUES (?, ?) ON CONFLICT DO UPDATE SET name = name RETURNING id").get(type, name)!.id;
  const [pageView, purchase] = [kind("page_view", "page_view"), kind("conversion", "purchase")];
  const insert = store.sqlite.prepare(
    `INSERT INTO events (funnel, id, kind, ts, visitor, session, revenue_minor, currency)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  store.sqlite.exec("PRAGMA synchronous = OFF"); // seeding only; the query below is what is measured
  const seedStart = performance.now();
  let n = 0;
  while (n < TOTAL) {
    store.sqlite.transaction(() => {
      for (let i = 0; i < 50_000 && n < TOTAL; i++, n++) {
        // Skewed: a few funnels hold most of the traffic.
        const f = keys[Math.floor(FUNNELS * Math.random() ** 2)];
        // In time order, as ingest writes them.
        const ts = now - 30 * DAY + Math.floor((n / TOTAL) * 30 * DAY);
        const conv = Math.random() < 0.02;
        const visitor = 1 + Math.floor(Math.random() * TOTAL / 5);
        insert.run(f, `e${n}`, conv ? purchase : pageView, ts, visitor, visitor, conv ? 4900 : null, conv ? "EUR" : null);
      }
    })();
  }
  store.sqlite.exec("ANALYZE");
  console.log(`seeded ${TOTAL.toLocaleString("en-US")} events in ${FUNNELS} funnels (${((performance.now() - seedStart) / 1000).toFixed(1)} s)`);
  const inWindow = (store.sqlite.query("SELECT count(*) AS n FROM events WHERE ts >= ?").get(now - 7 * DAY) as { n: number }).n;
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    funnelCardStats(store.sqlite, now);
    times.push(performance.now() - t);
  }
  console.log(`funnelCardStats over ${inWindow.toLocaleString("en-US")} events in the 7-day window: median ${percentile(times, 50).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (7 runs)`);
  const plan = store.sqlite.query("EXPLAIN QUERY PLAN SELECT count(*) FROM events WHERE funnel IN (SELECT k.key FROM funnel_keys k JOIN funnels f ON f.id = k.funnel_id) AND ts >= ? AND ts < ?").all(now - 7 * DAY, now) as { detail: string }[];
  console.log(`plan: ${plan.map((p) => p.detail).join(" | ")}`);
  console.log(`machine: ${machineLine()}; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} (shared with other work)`);
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
