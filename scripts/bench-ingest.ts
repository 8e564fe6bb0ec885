// Drives the built executable over HTTP with realistic batches and prints accepted
// events/s, ack latency p50/p99 and processing lag, with the machine it ran on.
// Usage: bun scripts/bench-ingest.ts [--seconds 10] [--bin ./aurea] [--only open|closed] [--rates 1000,2000,2500]
// The load generator runs on the same machine and takes CPU from the server.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnServe } from "../tests/helpers/process";
import { benchBatch, BENCH_ORIGIN, machineLine, percentile } from "./bench-lib";
import { HttpLoad } from "./bench-http-client";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SECONDS = Number(flag("seconds", "10"));
const ONLY = flag("only", "all");
const RATES = flag("rates", "1000,2000,2500").split(",").map(Number);
const root = join(import.meta.dir, "..");
const bin = flag("bin", join(root, "aurea"));
if (!existsSync(bin)) {
  console.error(`no executable at ${bin}: run \`bun run build\` first`);
  process.exit(1);
}

const ORIGIN = BENCH_ORIGIN;

let load: HttpLoad;

/** A batch as a browser's SDK sends it (text/plain, from the funnel's origin), as bytes. */
function trackRequest(funnelId: string, key: string): Uint8Array {
  const { body, ua } = benchBatch(funnelId, key);
  return HttpLoad.post("/api/track/events", { "content-type": "text/plain", origin: ORIGIN, "user-agent": ua }, body);
}

async function send(request: Uint8Array): Promise<{ ok: boolean; ms: number }> {
  try {
    const a = await load.send(request);
    return { ok: a.status === 202, ms: a.ms };
  } catch {
    return { ok: false, ms: NaN };
  }
}

async function post(_url: string, funnelId: string, key: string): Promise<{ ok: boolean; ms: number }> {
  return send(trackRequest(funnelId, key));
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
      // Coarse polling: every poll is a request the server must also answer.
      await Bun.sleep(10);
    }
    lags.push(performance.now() - t);
    await Bun.sleep(200);
  }
}

/**
 * Batches accepted and not yet confirmed processed, once a second. Processed batches
 * are confirmed every 250 ms, so a flat series wobbles by up to a quarter second of load.
 */
async function sampleBacklog(url: string, until: () => boolean, samples: number[]) {
  while (!until()) {
    await Bun.sleep(1000);
    samples.push(await pending(url));
  }
}

/**
 * CPU seconds (user + system) used so far by the server's threads, from /proc: the HTTP
 * thread (the process's first), the processing thread ("Worker"), and the rest (JIT, GC).
 */
type ThreadCpu = { http: number; processing: number; other: number };
function serverCpu(pid: number): ThreadCpu {
  const out: ThreadCpu = { http: 0, processing: 0, other: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
      if (tid === String(pid)) out.http += seconds;
      else if (name === "Worker") out.processing += seconds;
      else out.other += seconds;
    } catch {
      // a thread that ended between listing and reading
    }
  }
  return out;
}

interface Result { cpu?: ThreadCpu; generatorCpu?: number; label: string; events: number; seconds: number; lat: number[]; failed: number; lags: number[]; backlog: number[]; drainMs: number }

async function closedLoop(url: string, f: { id: string; publicKey: string }, marker: { id: string; secretKey: string }, concurrency: number): Promise<Result> {
  const lat: number[] = [];
  const lags: number[] = [];
  let failed = 0;
  const end = performance.now() + SECONDS * 1000;
  const done = () => performance.now() >= end;
  const backlog: number[] = [];
  const workers = Array.from({ length: concurrency }, async () => {
    while (!done()) {
      const r = await post(url, f.id, f.publicKey);
      if (r.ok) lat.push(r.ms);
      else failed++;
    }
  });
  await Promise.all([...workers, lagProbe(url, marker, done, lags), sampleBacklog(url, done, backlog)]);
  const t = performance.now();
  while ((await pending(url)) > 0) await Bun.sleep(20);
  return { label: `closed loop, ${concurrency} concurrent`, events: lat.length * 10, seconds: SECONDS, lat, failed, lags, backlog, drainMs: performance.now() - t };
}

/**
 * A fixed request rate, open loop: requests go out on schedule whether or not earlier
 * ones were answered (at most MAX_IN_FLIGHT at once), as independent visitors' browsers
 * would send them. Bodies are built before the clock starts, so the generator spends
 * its CPU on sending. The backlog is sampled every second; "flat" means processing
 * kept up with acceptance.
 */
const MAX_IN_FLIGHT = 256;
async function fixedRate(url: string, f: { id: string; publicKey: string }, marker: { id: string; secretKey: string }, rps: number, phaseSeconds = SECONDS): Promise<Result> {
  const lat: number[] = [];
  const lags: number[] = [];
  let failed = 0;
  let skipped = 0;
  const total = Math.round(rps * phaseSeconds);
  const requests = Array.from({ length: total }, () => trackRequest(f.id, f.publicKey));
  const start = performance.now();
  const end = start + phaseSeconds * 1000;
  const done = () => performance.now() >= end;
  const backlog: number[] = [];
  const probes = [lagProbe(url, marker, done, lags), sampleBacklog(url, done, backlog)];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rps));
    for (; sent < due; sent++) {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        skipped++;
        continue;
      }
      const p: Promise<void> = send(requests[sent]).then((r) => {
        if (r.ok) lat.push(r.ms);
        else failed++;
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    await Bun.sleep(1);
  }
  await Promise.all([...inFlight, ...probes]);
  const seconds = (performance.now() - start) / 1000;
  const t = performance.now();
  while ((await pending(url)) > 0) await Bun.sleep(20);
  const label = `open loop, ${rps} requests/s${skipped ? ` (${skipped} not sent: ${MAX_IN_FLIGHT} in flight)` : ""}`;
  return { label, events: lat.length * 10, seconds, lat, failed: failed + skipped, lags, backlog, drainMs: performance.now() - t };
}

function report(r: Result) {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  // CPU is counted until the backlog is drained, so it covers every accepted event.
  const busy = r.seconds + r.drainMs / 1000;
  const perEvent = (seconds: number) => `${((seconds * 1e6) / Math.max(1, r.events)).toFixed(0)}`;
  const c = r.cpu;
  const cpu = !c
    ? ""
    : ` | CPU µs/event: HTTP ${perEvent(c.http)}, processing ${perEvent(c.processing)}, other ${perEvent(c.other)}, load generator ${perEvent(r.generatorCpu ?? NaN)}` +
      ` (server ${(((c.http + c.processing + c.other) / busy) * 100).toFixed(0)}% of a core)`;
  console.log(
    `${r.label.padEnd(30)} ${(r.events / r.seconds).toFixed(0).padStart(7)} events/s accepted | ack p50 ${ms(percentile(r.lat, 50))} p99 ${ms(percentile(r.lat, 99))} | ` +
      `lag p50 ${ms(percentile(r.lags, 50))} p99 ${ms(percentile(r.lags, 99))} | backlog each second ${r.backlog.join(" ")} batches, drained in ${ms(r.drainMs)} | failed ${r.failed}` +
      ` | max WAL aurea.db ${mb(walMax.main)}, queue.db ${mb(walMax.queue)}${cpu}`,
  );
}

const dataDir = mkdtempSync(join(tmpdir(), "aurea-bench-"));
/** Largest WAL sizes seen (sampled every 100 ms): since the phase started, and over the whole run. */
const walMax = { main: 0, queue: 0, mainAll: 0, queueAll: 0 };
const walSampler = setInterval(() => {
  const size = (name: string) => statSync(join(dataDir, `${name}-wal`), { throwIfNoEntry: false })?.size ?? 0;
  walMax.main = Math.max(walMax.main, size("aurea.db"));
  walMax.queue = Math.max(walMax.queue, size("queue.db"));
  walMax.mainAll = Math.max(walMax.mainAll, walMax.main);
  walMax.queueAll = Math.max(walMax.queueAll, walMax.queue);
}, 100);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const create = (name: string) => JSON.parse(Bun.spawnSync([bin, "funnel", "create", "--name", name, "--url", ORIGIN, "--data", dataDir, "--json"]).stdout.toString());
const funnel = create("Bench");
const marker = create("Marker");
const server = await spawnServe(dataDir, [], bin);
load = new HttpLoad(server.url);
console.log(`bench-ingest: ${machineLine()}`);
console.log(`server: ${bin} (load generator in this process on the same machine: keep-alive HTTP/1.1 on raw sockets), ${SECONDS}s per phase, batches of 10 events\n`);
try {
  const measured = async (run: () => Promise<Result>) => {
    walMax.main = walMax.queue = 0;
    const before = serverCpu(server.proc.pid);
    const generatorBefore = process.cpuUsage();
    const r = await run();
    const after = serverCpu(server.proc.pid);
    const generator = process.cpuUsage(generatorBefore);
    r.cpu = { http: after.http - before.http, processing: after.processing - before.processing, other: after.other - before.other };
    r.generatorCpu = (generator.user + generator.system) / 1e6;
    report(r);
  };
  // Warm-up, not reported: the first seconds of a fresh process are spent compiling (JIT).
  await fixedRate(server.url, funnel, marker, 1000, 3);
  if (ONLY !== "open") for (const c of [1, 8, 32, 64]) await measured(() => closedLoop(server.url, funnel, marker, c));
  if (ONLY !== "closed") for (const rps of RATES) await measured(() => fixedRate(server.url, funnel, marker, rps));
  console.log(`\nmax WAL over the run (load and drains): aurea.db ${mb(walMax.mainAll)}, queue.db ${mb(walMax.queueAll)}`);
} finally {
  clearInterval(walSampler);
  server.proc.kill("SIGTERM");
  await server.proc.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
