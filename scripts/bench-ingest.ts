// Drives the built executable over HTTP with realistic batches and prints accepted
// events/s, ack latency p50/p99 and processing lag, with the machine it ran on.
// Usage: bun scripts/bench-ingest.ts [--seconds 10] [--bin ./aurea]
// The load generator runs on the same machine and takes CPU from the server.
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnServe } from "../tests/helpers/process";
import { machineLine, percentile } from "./bench-lib";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SECONDS = Number(flag("seconds", "10"));
const root = join(import.meta.dir, "..");
const bin = flag("bin", join(root, "aurea"));
if (!existsSync(bin)) {
  console.error(`no executable at ${bin}: run \`bun run build\` first`);
  process.exit(1);
}

const ORIGIN = "https://shop.example";
const UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0",
];
const LANDINGS = [
  ["https://shop.example/?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring", "https://l.facebook.com/"],
  ["https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=abc", "https://www.google.com/"],
  ["https://shop.example/?utm_source=newsletter&utm_medium=email", ""],
  ["https://shop.example/", "https://www.google.co.uk/"],
  ["https://shop.example/blog/launch", "https://news.ycombinator.com/"],
  ["https://shop.example/", ""],
];
const PATHS = ["/pricing", "/features", "/faq", "/checkout", "/blog/launch"];

// Ids as the SDK makes them: time-ordered (UUIDv7) event ids, visitors in order of arrival.
let seq = 0;
function batch(funnelId: string, key: string): { body: string; ua: string } {
  const visitor = `bench-${process.pid}-${seq++}`;
  const [landing, referrer] = LANDINGS[seq % LANDINGS.length];
  const now = Date.now();
  const events: object[] = [{ id: Bun.randomUUIDv7(), type: "page_view", anonymousId: visitor, url: landing, referrer, title: "Home", ts: now, screen: { w: 1440, h: 900 }, language: "en-US", timezone: "Europe/Berlin" }];
  for (let i = 1; i < 10; i++) {
    const path = PATHS[(seq + i) % PATHS.length];
    if (i % 3 === 0) events.push({ id: Bun.randomUUIDv7(), type: "track", name: "scroll_depth", anonymousId: visitor, url: `https://shop.example${path}`, props: { depth: 50 }, ts: now + i });
    else if (i === 9 && seq % 5 === 0) events.push({ id: Bun.randomUUIDv7(), type: "conversion", name: "purchase", anonymousId: visitor, url: "https://shop.example/thank-you", revenue: { amount: 49, currency: "USD" }, ts: now + i });
    else events.push({ id: Bun.randomUUIDv7(), type: "page_view", anonymousId: visitor, url: `https://shop.example${path}`, referrer: landing, ts: now + i });
  }
  return { body: JSON.stringify({ funnelId, key, sentAt: now, events }), ua: UAS[seq % UAS.length] };
}

async function post(url: string, funnelId: string, key: string): Promise<{ ok: boolean; ms: number }> {
  const { body, ua } = batch(funnelId, key);
  const t = performance.now();
  const r = await fetch(`${url}/api/track/events`, { method: "POST", headers: { "content-type": "text/plain", origin: ORIGIN, "user-agent": ua }, body });
  await r.arrayBuffer();
  return { ok: r.status === 202, ms: performance.now() - t };
}

async function pending(url: string): Promise<number> {
  const h = (await (await fetch(`${url}/healthz`)).json()) as { queue: { pending: number; inMemory: number } };
  return h.queue.pending + h.queue.inMemory;
}

/** Time from a marker's 202 until the read API shows it, on a funnel of its own. */
async function lagProbe(url: string, marker: { id: string; secretKey: string }, until: () => boolean, lags: number[]) {
  while (!until()) {
    const id = Bun.randomUUIDv7();
    await fetch(`${url}/api/track/events`, { method: "POST", headers: { authorization: `Bearer ${marker.secretKey}` }, body: JSON.stringify({ funnelId: marker.id, events: [{ id, type: "track", name: "marker", anonymousId: "m" }] }) });
    const t = performance.now();
    for (;;) {
      const r = (await (await fetch(`${url}/api/v1/funnels/${marker.id}/events?limit=1`, { headers: { authorization: `Bearer ${marker.secretKey}` } })).json()) as { events: { id: string }[] };
      if (r.events[0]?.id === id) break;
      await Bun.sleep(2);
    }
    lags.push(performance.now() - t);
    await Bun.sleep(200);
  }
}

/** CPU seconds (user + system) the server process has used so far, from /proc. */
function serverCpuSeconds(pid: number): number {
  try {
    const fields = require("node:fs").readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

interface Result { cpu?: number; label: string; events: number; seconds: number; lat: number[]; failed: number; lags: number[]; backlogStart: number; backlogEnd: number; drainMs: number }

async function closedLoop(url: string, f: { id: string; publicKey: string }, marker: { id: string; secretKey: string }, concurrency: number): Promise<Result> {
  const lat: number[] = [];
  const lags: number[] = [];
  let failed = 0;
  const end = performance.now() + SECONDS * 1000;
  const done = () => performance.now() >= end;
  let backlogStart = -1;
  setTimeout(async () => (backlogStart = await pending(url)), (SECONDS * 1000) / 3);
  const workers = Array.from({ length: concurrency }, async () => {
    while (!done()) {
      const r = await post(url, f.id, f.publicKey);
      if (r.ok) lat.push(r.ms);
      else failed++;
    }
  });
  await Promise.all([...workers, lagProbe(url, marker, done, lags)]);
  const backlogEnd = await pending(url);
  const t = performance.now();
  while ((await pending(url)) > 0) await Bun.sleep(20);
  return { label: `closed loop, ${concurrency} concurrent`, events: lat.length * 10, seconds: SECONDS, lat, failed, lags, backlogStart, backlogEnd, drainMs: performance.now() - t };
}

/**
 * A fixed request rate: `workers` connections, each sending on its own schedule
 * (one request every workers/rps seconds). A late answer delays that worker's next
 * send, so the rate reached is printed with the latencies.
 */
async function fixedRate(url: string, f: { id: string; publicKey: string }, marker: { id: string; secretKey: string }, rps: number): Promise<Result> {
  const lat: number[] = [];
  const lags: number[] = [];
  let failed = 0;
  const workers = Math.max(1, Math.ceil(rps / 100));
  const interval = (workers * 1000) / rps;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  let backlogStart = -1;
  setTimeout(async () => (backlogStart = await pending(url)), (SECONDS * 1000) / 3);
  const senders = Array.from({ length: workers }, async (_, w) => {
    for (let next = start + (w * interval) / workers; next < end; next += interval) {
      const wait = next - performance.now();
      if (wait > 0) await Bun.sleep(wait);
      const r = await post(url, f.id, f.publicKey);
      if (r.ok) lat.push(r.ms);
      else failed++;
    }
  });
  await Promise.all([...senders, lagProbe(url, marker, () => performance.now() >= end, lags)]);
  const seconds = (performance.now() - start) / 1000;
  const backlogEnd = await pending(url);
  const t = performance.now();
  while ((await pending(url)) > 0) await Bun.sleep(20);
  return { label: `fixed rate, ${rps} requests/s`, events: lat.length * 10, seconds, lat, failed, lags, backlogStart, backlogEnd, drainMs: performance.now() - t };
}

function report(r: Result) {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  // CPU is counted until the backlog is drained, so it covers every accepted event.
  const busy = r.seconds + r.drainMs / 1000;
  const cpu = r.cpu === undefined ? "" : ` | server CPU ${((r.cpu / busy) * 100).toFixed(0)}% of a core, ${((r.cpu * 1e6) / Math.max(1, r.events)).toFixed(0)} µs/event`;
  console.log(
    `${r.label.padEnd(30)} ${(r.events / r.seconds).toFixed(0).padStart(7)} events/s accepted | ack p50 ${ms(percentile(r.lat, 50))} p99 ${ms(percentile(r.lat, 99))} | ` +
      `lag p50 ${ms(percentile(r.lags, 50))} p99 ${ms(percentile(r.lags, 99))} | backlog ${r.backlogStart}→${r.backlogEnd} batches, drained in ${ms(r.drainMs)} | failed ${r.failed}${cpu}`,
  );
}

const dataDir = mkdtempSync(join(tmpdir(), "aurea-bench-"));
const create = (name: string) => JSON.parse(Bun.spawnSync([bin, "funnel", "create", "--name", name, "--url", ORIGIN, "--data", dataDir, "--json"]).stdout.toString());
const funnel = create("Bench");
const marker = create("Marker");
const server = await spawnServe(dataDir, [], bin);
console.log(`bench-ingest: ${machineLine()}`);
console.log(`server: ${bin} (load generator in this process on the same machine), ${SECONDS}s per phase, batches of 10 events\n`);
try {
  const measured = async (run: () => Promise<Result>) => {
    const before = serverCpuSeconds(server.proc.pid);
    const r = await run();
    r.cpu = serverCpuSeconds(server.proc.pid) - before;
    report(r);
  };
  for (const c of [1, 8, 32, 64]) await measured(() => closedLoop(server.url, funnel, marker, c));
  for (const rps of [1000, 2000]) await measured(() => fixedRate(server.url, funnel, marker, rps));
} finally {
  server.proc.kill("SIGTERM");
  await server.proc.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
