// How long the funnel steps report takes on the seeded demo data set (1,000,000
// events, 90 days: /, /pricing, /checkout, /thank-you, checkout_initiated, purchase…).
// Usage: bun scripts/bench-funnel.ts [--events N] [--data DIR [--funnel ID]]
//   Without --data: seeds a temp dir (as `aurea seed-demo`), measures, deletes it.
//   With --data DIR --funnel ID: measures an existing data set (e.g. the one `aurea seed-demo` writes).
//   With --data DIR alone: generates into DIR (kept) when it holds no events yet, then measures.
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { stepsReport } from "../src/analytics/steps-report";
import { openStore, type Store } from "../src/db/open";
import { DEMO_ORIGIN } from "../src/demo/generate";
import { seedDemo } from "../src/store/sqlite/demo-seed";
import { createFunnel } from "../src/funnels/store";
import { tempDir } from "../tests/helpers/server";
import { FIVE_STEPS, machineLine, percentile } from "./bench-lib";

const DAY = 86_400_000;
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};

/** The dashboard issue's demo data set: 1,000,000 events over 90 days (src/demo). */
function generate(store: Store, events: number, now: number): string {
  const { funnel } = createFunnel(store.db, { name: "Bench shop", url: DEMO_ORIGIN });
  seedDemo(store.sqlite, funnel.id, { events, days: 90, now, seed: 1 });
  return funnel.id;
}


const dataArg = flag("data");
const dir = dataArg ?? tempDir("aurea-bench-funnel-");
const store = openStore(dir);
const now = Date.now();
try {
  let funnelId = flag("funnel");
  const empty = (store.sqlite.query("SELECT count(*) AS n FROM events").get() as { n: number }).n === 0;
  if (!funnelId && !empty) funnelId = (store.sqlite.query("SELECT id FROM funnels WHERE name = 'Bench shop'").get() as { id: string } | null)?.id;
  if (!funnelId && !empty) throw new Error(`${dir} holds other data: give --funnel ID`);
  if (!funnelId && empty) {
    const t = performance.now();
    funnelId = generate(store, Number(flag("events") ?? 1_000_000), now);
    store.sqlite.exec("ANALYZE");
    console.log(`seeded ${(store.sqlite.query("SELECT count(*) AS n FROM events").get() as { n: number }).n.toLocaleString("en-US")} demo events over 90 days in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  if (!funnelId) throw new Error("--funnel ID is required with --data");
  // The last 30 days of the data set (its latest event stands for "now").
  const key = "(SELECT key FROM funnel_keys WHERE funnel_id = ?)";
  const latest = (store.sqlite.query(`SELECT max(ts) AS t FROM events WHERE funnel = ${key}`).get(funnelId) as { t: number }).t;
  const to = latest + 1;
  const from = to - 30 * DAY;
  const inRange = (store.sqlite.query(`SELECT count(*) AS n FROM events WHERE funnel = ${key} AND ts >= ? AND ts < ?`).get(funnelId, from, to + 7 * DAY) as { n: number }).n;
  console.log(`report range: 30 days (${inRange.toLocaleString("en-US")} events read with the 7-day window)`);

  const measure = async (label: string, run: () => unknown, runs = 7) => {
    await run(); // warm the page cache and statement cache
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      await run();
      const d = process.cpuUsage(c);
      times.push(performance.now() - t);
      cpu.push((d.user + d.system) / 1000);
    }
    const ms = (x: number) => x.toFixed(0).padStart(5);
    console.log(`${label.padEnd(44)} median ${ms(percentile(times, 50))} ms  min ${ms(Math.min(...times))} ms  (cpu median ${ms(percentile(cpu, 50))} ms, ${runs} runs)`);
  };
  const def = FIVE_STEPS;
  const base = { from, to, now: to };
  const sample = await stepsReport(store.events.journeys, funnelId, def, base);
  console.log(`steps: ${sample.steps.map((s) => `${s.name} ${s.visitors.toLocaleString("en-US")}`).join(" → ")}`);
  await measure("5 steps, sequential, 30 days", () => stepsReport(store.events.journeys, funnelId!, def, base));
  await measure("5 steps, sequential, breakdown=channel", () => stepsReport(store.events.journeys, funnelId!, def, { ...base, breakdown: "channel" }));
  await measure("5 steps, sequential, breakdown=landing_page", () => stepsReport(store.events.journeys, funnelId!, def, { ...base, breakdown: "landing_page" }));
  await measure("5 steps, strict, 30 days", () => stepsReport(store.events.journeys, funnelId!, { ...def, order: "strict" }, base));
  await measure("5 steps, sequential, filter device=mobile", () => stepsReport(store.events.journeys, funnelId!, def, { ...base, filters: [{ key: "device", value: "mobile" }] }));
  await measure("5 steps + previous period (the page)", () => stepsReport(store.events.journeys, funnelId!, def, { ...base, compare: true }));
  console.log(`machine: ${machineLine()}; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")} (the machine is shared: cpu time is the steadier figure)`);
} finally {
  store.close();
  if (!dataArg) rmSync(dir, { recursive: true, force: true });
}
