// Automations figures, with the machine they ran on:
//  A. what the rules listener adds to event processing (it runs inside the ingest
//     transaction): events/s written with no listener, with rules that match
//     nothing, and with a realistic mix (event rules, step rules on a 3-step funnel);
//  B. webhook delivery throughput to a local receiver (fast, and 100 ms slow).
// Usage: bun scripts/bench-automations.ts [--events 20000] [--deliveries 1000]
// The receiver runs in this process and takes CPU from the sender.
import { InlineReads } from "../src/analytics/reads/run";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { DELIVER_JOB } from "../src/automations/deliveries";
import { deliveryHandler } from "../src/automations/delivery-job";
import { automationListener } from "../src/automations/listener";
import { automationRuntime } from "../src/automations/runtime";
import { createAutomation } from "../src/automations/service";
import type { AppContext } from "../src/context";
import { openStore } from "../src/db/open";
import { createOps } from "../src/ops/ops";
import { parseSteps, saveSteps } from "../src/funnels/steps-definition";
import { createFunnel } from "../src/funnels/store";
import { JobRunner } from "../src/jobs/runner";
import type { StoredEvent } from "../src/pipeline/stored-event";
import { EventRows } from "../src/store/sqlite/writer/events";
import { Dictionaries, ensureFunnelKey, NO_VISIT } from "../src/store/sqlite/layout";
import { machineLine, percentile } from "./bench-lib";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EVENTS = flag("events", 20_000);
const DELIVERIES = flag("deliveries", 1000);
const BATCH = 100;

function context(dir: string): AppContext {
  const store = openStore(dir);
  return {
    store,
    reads: new InlineReads(store.sqlite),
    config: { allowPrivateWebhooks: true } as AppContext["config"],
    geo: { lookup: () => ({ country: null, region: null, city: null }), close() {} } as unknown as AppContext["geo"],
    now: Date.now,
    log: () => {},
    ops: createOps({ dataDir: dir }, () => {}, Date.now),
    eventListeners: [],
    stopping: false,
  };
}

function event(funnelId: string, i: number, t0: number): Omit<StoredEvent, "rowId"> {
  const visitor = `v${i % 2000}`;
  const r = i % 20;
  const [type, name, path] =
    r < 6 ? ["page_view", "page_view", "/"] : r < 10 ? ["page_view", "page_view", "/checkout"] : r < 11 ? ["track", "purchase", "/checkout"] : r < 15 ? ["track", "scroll_depth", "/"] : ["page_view", "page_view", `/blog/${r}`];
  return {
    funnelId, id: `e${i}`, type, name, ts: t0 + i * 10, receivedAt: t0 + i * 10, anonymousId: visitor, sessionId: `s${visitor}`,
    userId: null, contactId: null, url: `https://shop.example${path}`, path, title: null, referrer: null, referrerHost: "www.google.com",
    screenW: 1280, screenH: 800, language: "en", timezone: "Europe/Paris", props: { plan: i % 3 ? "pro" : "basic" }, revenueMinor: null,
    currency: null, verified: false, browser: "Chrome", browserVersion: "126", os: "Windows", device: "desktop", country: "FR",
    region: null, city: null, channel: "Organic Search", utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null,
    utmContent: null, clickId: null, flags: null, orderId: null,
  };
}

async function listenerScenario(label: string, setup: (ctx: AppContext, funnelId: string) => Promise<void>, withListener: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "aurea-bench-auto-"));
  const ctx = context(dir);
  const { funnel } = createFunnel(ctx.store.db, { name: "Bench", url: "https://shop.example" });
  const steps = parseSteps({ window: "1d", steps: [{ name: "Landing", page: "/" }, { name: "Checkout", page: "/checkout" }, { name: "Paid", event: "purchase" }] });
  if (steps.ok) saveSteps(ctx.store.db, funnel.id, steps.value);
  await setup(ctx, funnel.id);
  const dict = new Dictionaries(ctx.store.sqlite);
  const writer = new EventRows(ctx.store.sqlite, dict);
  const fk = ensureFunnelKey(ctx.store.sqlite, funnel.id);
  const listener = automationListener(ctx);
  const t0 = Date.now() - EVENTS * 10;
  const started = performance.now();
  let inListener = 0;
  for (let b = 0; b < EVENTS; b += BATCH) {
    ctx.store.sqlite.transaction(() => {
      const written: StoredEvent[] = [];
      for (let i = b; i < Math.min(EVENTS, b + BATCH); i++) {
        const e = event(funnel.id, i, t0);
        const rowId = writer.write(e, { funnel: fk, visitor: dict.visitor(fk, e.anonymousId), session: NO_VISIT })!;
        written.push({ ...e, rowId });
      }
      if (withListener) {
        const t = performance.now();
        listener(written, { newContacts: [] });
        inListener += performance.now() - t;
      }
    })();
  }
  const seconds = (performance.now() - started) / 1000;
  const jobs = ctx.store.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM jobs").get()!.n;
  const rate = EVENTS / seconds;
  const perEvent = withListener ? `, listener ${((inListener * 1000) / EVENTS).toFixed(1)} µs/event` : "";
  console.log(`  ${label.padEnd(54)} ${Math.round(rate).toLocaleString("en-US").padStart(7)} events/s${perEvent} (${jobs} jobs enqueued)`);
  ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

const hook = { type: "webhook", url: "http://127.0.0.1:9/unused" };

async function deliveryScenario(label: string, delayMs: number): Promise<void> {
  let received = 0;
  const receiver = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      await req.text();
      if (delayMs) await Bun.sleep(delayMs);
      received++;
      return new Response("ok");
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "aurea-bench-auto-"));
  const ctx = context(dir);
  const rt = automationRuntime(ctx);
  const { funnel } = createFunnel(ctx.store.db, { name: "Bench", url: "https://shop.example" });
  const rule = await createAutomation(rt, funnel.id, { name: "b", trigger: { type: "event", name: "x" }, action: { type: "webhook", url: `http://127.0.0.1:${receiver.port}/` } });
  const count = delayMs ? Math.min(DELIVERIES, 200) : DELIVERIES;
  const body = JSON.stringify({ type: "aurea.event", data: { pad: "x".repeat(1500) } });
  const ids: string[] = [];
  ctx.store.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) ids.push(rt.deliveries.create({ automationId: rule.id, funnelId: funnel.id, body }, Date.now()));
  })();
  const runner = new JobRunner(ctx.store.sqlite, { now: Date.now });
  runner.register(DELIVER_JOB, deliveryHandler(rt));
  rt.runner = runner;
  const started = performance.now();
  runner.start();
  while (received < count) await Bun.sleep(5);
  while (runner.queue.countByStatus().done !== count) await Bun.sleep(5);
  const seconds = (performance.now() - started) / 1000;
  await runner.stop();
  const latencies = ctx.store.sqlite.query<{ l: number }, []>("SELECT latency_ms AS l FROM delivery_attempts").all().map((r) => r.l);
  console.log(
    `  ${label.padEnd(40)} ${count} deliveries in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)}/s, ` +
      `request latency p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`,
  );
  ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
  receiver.stop(true);
}

console.log(`bench-automations on ${machineLine()}`);
console.log(`A. event processing, ${EVENTS} events in batches of ${BATCH} (one transaction each), 2000 visitors:`);
await listenerScenario("(warm-up, not counted)", async () => {}, false);
await listenerScenario("writing events, no listener", async () => {}, false);
await listenerScenario("listener, no rules", async () => {}, true);
await listenerScenario("listener, 10 event rules that never match", async (ctx, id) => {
  const rt = automationRuntime(ctx);
  for (let i = 0; i < 10; i++) await createAutomation(rt, id, { name: `r${i}`, trigger: { type: "event", name: `never_${i}_*` }, action: hook });
}, true);
await listenerScenario("listener, 8 event rules + step_reached + abandoned", async (ctx, id) => {
  const rt = automationRuntime(ctx);
  for (let i = 0; i < 7; i++) await createAutomation(rt, id, { name: `r${i}`, trigger: { type: "event", name: `never_${i}` }, action: hook });
  await createAutomation(rt, id, { name: "p", trigger: { type: "event", name: "purchase" }, conditions: [{ field: "props.plan", op: "eq", value: "pro" }], action: hook });
  await createAutomation(rt, id, { name: "s", trigger: { type: "step_reached", step: 2 }, action: hook });
  await createAutomation(rt, id, { name: "a", trigger: { type: "abandoned", step: 2, after: "1h" }, action: hook });
}, true);
console.log("  (each transaction is fsynced, synchronous=FULL: that, not the listener, bounds the rate here)");

console.log("B. webhook delivery (4 at a time, 1.5 KB signed bodies, receiver on 127.0.0.1):");
await deliveryScenario("fast receiver", 0);
await deliveryScenario("receiver answering after 100 ms", 100);
