// Issue 11's "Scale" and "Memory" targets on one seeded data dir: seeds --events demo
// events over --days with `aurea seed-demo` (the built executable), restarts the server
// --restarts times timing the first page each time, then requests every page of the
// target list --runs times (median and p95), then a 10 s ingest burst. Prints the
// server's RSS (idle, peak during the dashboard runs, peak during the burst) and each
// target beside its figure. Never asserts: the machine is shared.
//
//   bun scripts/bench-scale.ts [--events 1000000] [--days 365] [--runs 7] [--restarts 3] [--burst 10] [--data DIR] [--bin ./aurea]
//
// --data DIR reuses a data dir seeded before (by this script or `aurea seed-demo
// --create --days 365`), and keeps it; without it a temp dir is seeded and removed.
// Without --bin this tree is built (scripts/build.ts) into a temp dir.
import { $ } from "bun";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseFlags } from "../src/config";
import { spawnServe, type Spawned } from "../tests/helpers/process";
import { machineLine, mib, readRss, sampleRss } from "./bench-lib";
import { burst, prepareScale, SCALE_TARGETS as TARGETS } from "./bench-scale-lib";

const flags = parseFlags(process.argv.slice(2), {
  events: { type: "number" }, days: { type: "number" }, runs: { type: "number" }, restarts: { type: "number" },
  burst: { type: "number" }, data: { type: "string" }, bin: { type: "string" },
});
const EVENTS = (flags.events as number | undefined) ?? 1_000_000;
const DAYS = (flags.days as number | undefined) ?? 365;
const RUNS = (flags.runs as number | undefined) ?? 7;
const RESTARTS = (flags.restarts as number | undefined) ?? 3;
const BURST = (flags.burst as number | undefined) ?? 10;
const work = mkdtempSync(join(tmpdir(), "aurea-bench-scale-"));
const dataDir = (flags.data as string | undefined) ?? join(work, "data");
const root = join(import.meta.dir, "..");
const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;


async function seed(bin: string): Promise<void> {
  const t0 = performance.now();
  const out = await $`${bin} seed-demo --create --events ${EVENTS} --days ${DAYS} --seed 11 --json --data ${dataDir}`.quiet();
  const r = JSON.parse(out.stdout.toString()) as { events: number; sessions: number };
  const s = (performance.now() - t0) / 1000;
  console.log(`seeded ${r.events.toLocaleString("en-US")} events, ${r.sessions.toLocaleString("en-US")} visits over ${DAYS} days in ${s.toFixed(0)} s (${Math.round(r.events / s).toLocaleString("en-US")} events/s)`);
}

/** Answers other than 200 by request path (a read past the query budget answers 503). */
const failed = new Map<string, number[]>();

async function timeGet(url: string, cookie: string, htmx: boolean): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, { headers: { cookie, ...(htmx ? { "hx-request": "true" } : {}) }, timeout: false });
  await res.arrayBuffer();
  const ms = performance.now() - t;
  if (res.status !== 200) {
    const path = new URL(url).pathname + new URL(url).search;
    failed.set(path, [...(failed.get(path) ?? []), res.status]);
  }
  return ms;
}

const failures = (path: string) => {
  const f = failed.get(path);
  return f ? ` (${f.length} answered ${[...new Set(f)].join("/")})` : "";
};

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const verdict = (ms: number, target: number | null) => (target === null ? "" : ms <= target ? `≤ ${target} ms: met` : `≤ ${target} ms: NOT met`);

async function stop(server: Spawned): Promise<void> {
  server.proc.kill("SIGTERM");
  await server.proc.exited;
}

try {
  console.log(`bench-scale: ${machineLine()}, ${load()} (shared machine)`);
  const bin = (flags.bin as string | undefined) ?? (await $`bun scripts/build.ts ${join(work, "aurea")}`.cwd(root).quiet(), join(work, "aurea"));
  if (!existsSync(join(dataDir, "aurea.db"))) await seed(bin);
  else console.log(`data: ${dataDir} (seeded before)`);
  const { funnelId, cookie, burst: burstFunnel } = await prepareScale(dataDir);
  const base = (s: Spawned) => `${s.url}/funnels/${funnelId}`;

  // First page after a restart: a fresh process, its reader thread's first read.
  const first: number[] = [];
  let idle = { rss: 0, hwm: 0, anon: 0, file: 0 };
  for (let i = 0; i < RESTARTS; i++) {
    const s = await spawnServe(dataDir, [], bin);
    try {
      if (i === 0) {
        await Bun.sleep(2000); // idle: started, nothing asked of it yet
        idle = readRss(s.proc.pid);
      }
      first.push(await timeGet(base(s), cookie, false));
    } finally {
      await stop(s);
    }
  }
  console.log(`\nserver RSS idle (2 s after start, before any request): ${mib(idle.rss)} (anonymous ${mib(idle.anon)}, file ${mib(idle.file)})   target ≤ 100 MiB: ${idle.rss <= 100 ? "met" : "NOT met"}`);
  const sf = [...first].sort((a, b) => a - b);
  console.log(`first page after a restart (${RESTARTS} restarts): median ${quantile(sf, 0.5).toFixed(0)} ms, max ${sf[sf.length - 1].toFixed(0)} ms${failures(`/funnels/${funnelId}`)}   ${verdict(quantile(sf, 0.5), 1000)}`);
  failed.clear();

  const server = await spawnServe(dataDir, [], bin);
  try {
    for (const t of TARGETS) await timeGet(base(server) + t.path, cookie, t.htmx); // one warm-up each
    failed.clear();
    const rss = sampleRss(server.proc.pid);
    const times = new Map<string, number[]>(TARGETS.map((t) => [t.name, []]));
    for (let i = 0; i < RUNS; i++) for (const t of TARGETS) times.get(t.name)!.push(await timeGet(base(server) + t.path, cookie, t.htmx));
    const dash = rss.stop();
    console.log(`\n${"request".padEnd(34)} ${"median".padStart(8)} ${"p95".padStart(8)}   (ms, ${RUNS} runs after one warm-up, wall time at the client over 127.0.0.1)`);
    for (const t of TARGETS) {
      const s = [...times.get(t.name)!].sort((a, b) => a - b);
      console.log(`${t.name.padEnd(34)} ${quantile(s, 0.5).toFixed(1).padStart(8)} ${quantile(s, 0.95).toFixed(1).padStart(8)}   ${verdict(quantile(s, 0.5), t.target)}${failures(`/funnels/${funnelId}${t.path}`)}`);
    }
    console.log(`\nserver RSS during the dashboard runs: peak ${mib(dash.peak)} (VmHWM ${mib(dash.hwm)}; peaks: anonymous ${mib(dash.peakAnon)}, file ${mib(dash.peakFile)})   target ≤ 250 MiB: ${dash.peak <= 250 ? "met" : "NOT met"}`);
    if (BURST > 0) {
      const b = sampleRss(server.proc.pid);
      const accepted = await burst(server.url, burstFunnel.id, burstFunnel.secretKey, BURST);
      const r = b.stop();
      console.log(`server RSS during a ${BURST} s burst (64 connections, ${accepted.toLocaleString("en-US")} events accepted): peak ${mib(r.peak)} (VmHWM ${mib(r.hwm)}; peaks: anonymous ${mib(r.peakAnon)}, file ${mib(r.peakFile)})   target ≤ 250 MiB: ${r.peak <= 250 ? "met" : "NOT met"}`);
    }
  } finally {
    await stop(server);
  }
  console.log(`\n${load()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
