// Where the server's memory goes, request by request (issue 11's memory targets):
// starts the built executable on a seeded data dir, waits idle, then requests each
// dashboard page of bench-scale one at a time (--repeat times) and prints the process's
// RSS after each (VmRSS and its anonymous / file parts from /proc/PID/status, and the
// peak seen while it ran), the CPU time the server spent on it, and each thread's JS
// heap (AUREA_HEAP_REPORT), then a closed-loop ingest burst, then idle again. With
// several executables (--bin a --bin b) each runs the same way, one after another,
// on its own copy of the data dir (the burst adds events); `--bin path::K=V,K=V`
// starts that one with those environment variables. Never asserts.
//
//   bun scripts/bench-memory.ts --data DIR [--bin ./aurea ...] [--repeat 3] [--burst 10] [--batch-events 10] [--pause 300]
import { $ } from "bun";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { spawnServe, type Spawned } from "../tests/helpers/process";
import type { HeapReport } from "../src/ops/heap-report";
import { machineLine, mib, percentile, readRss, sampleRss } from "./bench-lib";
import { burst, prepareScale, SCALE_TARGETS } from "./bench-scale-lib";

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: { data: { type: "string" }, bin: { type: "string", multiple: true }, repeat: { type: "string" }, burst: { type: "string" }, "batch-events": { type: "string" }, pause: { type: "string" }, extra: { type: "string" } },
});
if (!flags.data || !existsSync(join(flags.data, "aurea.db"))) throw new Error("--data DIR: a data dir seeded by `aurea seed-demo --create` (copied, never changed)");
const REPEAT = Number(flags.repeat ?? 3);
const BURST = Number(flags.burst ?? 10);
/** Events per request in the burst (10: the SDK's spike; up to 500: a server-side import). */
const BATCH_EVENTS = Number(flags["batch-events"] ?? 10);
/** Quiet time before each page (ms): a page read after the threads' idle release, as a person clicking around would. */
const PAUSE = Number(flags.pause ?? 300);
const root = join(import.meta.dir, "..");
const work = mkdtempSync(join(tmpdir(), "aurea-bench-memory-"));
const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;

const fmt = (r: { rss: number; anon: number; file: number }) => `${mib(r.rss).padStart(8)} ${mib(r.anon).padStart(8)} ${mib(r.file).padStart(8)}`;

/** Each thread's JS heap in use / its peak, reserved, and external (MiB), from the server's AUREA_HEAP_REPORT files. */
function threads(heapDir: string): string {
  const out: string[] = [];
  for (const t of ["http", "reader", "processing"]) {
    try {
      const h = JSON.parse(readFileSync(join(heapDir, `${t}.json`), "utf8")) as HeapReport;
      const m = (v: number) => (v / 2 ** 20).toFixed(0);
      out.push(`${t} ${m(h.used)}/${m(h.peakUsed)} (${m(h.total)}, +${m(h.external)})`);
    } catch {
      // no report from that thread (yet)
    }
  }
  return "  " + out.join("  ");
}

/**
 * CPU time the server's threads ran, in ms (schedstat, nanoseconds): a request's cost
 * that a busy machine changes far less than its wall time. A thread that ended (a reader
 * thread replaced after the query budget) keeps the last figure read for it.
 */
const seenCpu = new Map<string, number>();
function cpuMs(pid: number): number {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      seenCpu.set(`${pid}/${tid}`, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]));
    } catch {
      // a thread that ended between listing and reading
    }
  }
  let ns = 0;
  for (const [key, v] of seenCpu) if (key.startsWith(`${pid}/`)) ns += v;
  return ns / 1e6;
}

/** Resident MiB of the database files' mappings (SQLite's mmap), the executable, and the rest. */
function residentByMapping(pid: number): string {
  const sums = new Map<string, number>();
  let name = "";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
    if (head) {
      const path = head[1];
      name = path.endsWith("aurea.db") ? "aurea.db (mmap)" : path.endsWith("queue.db") ? "queue.db" : path.includes("-shm") ? "WAL index (shm)" : path.startsWith("/") ? "executable and libraries" : path === "" ? "anonymous" : path;
      continue;
    }
    const rss = line.match(/^Rss:\s+(\d+) kB/);
    if (rss) sums.set(name, (sums.get(name) ?? 0) + Number(rss[1]) / 1024);
  }
  return [...sums].filter(([, v]) => v >= 1).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ");
}

/** Batches accepted and not yet processed (/healthz). */
async function pending(url: string): Promise<number> {
  const h = (await (await fetch(`${url}/healthz`)).json()) as { queue: { pending: number; inMemory: number } };
  return h.queue.pending + h.queue.inMemory;
}

interface Summary {
  bin: string;
  idle: number;
  pagesPeak: number;
  cpu: number;
  burstPeak: number;
  burstEvents: number;
  /** Server CPU from the burst's start until its backlog was processed, per event accepted (µs). */
  ingestCpu: number;
  /** Peak from the burst's end until its backlog was processed. */
  drainPeak: number;
  later: number;
}

async function runOne(bin: string, label: string): Promise<Summary> {
  const dataDir = join(work, `data-${label}`);
  rmSync(dataDir, { recursive: true, force: true });
  cpSync(flags.data!, dataDir, { recursive: true });
  const { funnelId, cookie, burst: burstFunnel } = await prepareScale(dataDir);
  const heapDir = join(work, `heap-${label}`);
  mkdirSync(heapDir);
  process.env.AUREA_HEAP_REPORT = heapDir;
  const [path, env] = bin.split("::");
  for (const kv of env?.split(",") ?? []) process.env[kv.split("=")[0]] = kv.split("=")[1];
  const server: Spawned = await spawnServe(dataDir, flags.extra ? flags.extra.split(" ") : [], path);
  for (const kv of env?.split(",") ?? []) delete process.env[kv.split("=")[0]];
  const pid = server.proc.pid;
  const sum: Summary = { bin, idle: 0, pagesPeak: 0, cpu: 0, burstPeak: 0, burstEvents: 0, ingestCpu: 0, drainPeak: 0, later: 0 };
  try {
    console.log(`\n== ${label}: ${bin}   (${load()})`);
    console.log(`${"after".padEnd(34)} ${"RSS".padStart(8)} ${"anon".padStart(8)} ${"file".padStart(8)}   ${"peak".padStart(8)} ${"median".padStart(8)} ${"CPU".padStart(8)}   threads: JS heap used/peak (reserved, +external), MiB`);
    await Bun.sleep(2000);
    sum.idle = readRss(pid).rss;
    console.log(`${"idle, 2 s after start".padEnd(34)} ${fmt(readRss(pid))}${threads(heapDir)}`);
    let totalCpu = 0;
    for (const t of SCALE_TARGETS) {
      const s = sampleRss(pid, 20);
      const ms: number[] = [];
      const cpu0 = cpuMs(pid);
      for (let i = 0; i < REPEAT; i++) {
        const t0 = performance.now();
        const res = await fetch(`${server.url}/funnels/${funnelId}${t.path}`, { headers: { cookie, ...(t.htmx ? { "hx-request": "true" } : {}) } });
        await res.arrayBuffer();
        ms.push(performance.now() - t0);
        if (res.status !== 200) console.log(`  ${t.name}: answered ${res.status}`);
      }
      const r = s.stop();
      const cpu = (cpuMs(pid) - cpu0) / REPEAT;
      totalCpu += cpu;
      sum.pagesPeak = Math.max(sum.pagesPeak, r.peak);
      await Bun.sleep(PAUSE); // the heap reports' next sample; --pause: quiet before the next page
      console.log(`${t.name.padEnd(34)} ${fmt(readRss(pid))}   ${mib(r.peak).padStart(8)} ${`${percentile(ms, 50).toFixed(0)} ms`.padStart(8)} ${`${cpu.toFixed(0)} ms`.padStart(8)}${threads(heapDir)}`);
    }
    sum.cpu = totalCpu;
    console.log(`${"the pages above, CPU per round".padEnd(34)} ${`${totalCpu.toFixed(0)} ms`.padStart(44)}`);
    let quietFrom = performance.now();
    if (BURST > 0) {
      const s = sampleRss(pid, 20);
      const cpu0 = cpuMs(pid);
      const accepted = await burst(server.url, burstFunnel.id, burstFunnel.secretKey, BURST, BATCH_EVENTS);
      quietFrom = performance.now();
      const r = s.stop();
      sum.burstPeak = r.peak;
      sum.burstEvents = accepted;
      await Bun.sleep(300);
      console.log(`${`burst ${BURST} s (${(accepted / 1000).toFixed(0)}k events)`.padEnd(34)} ${fmt(readRss(pid))}   ${mib(r.peak).padStart(8)} (anon ${mib(r.peakAnon)}, ${(r.peakAfterMs / 1000).toFixed(1)} s in)${threads(heapDir)}`);
      const drain = sampleRss(pid, 20);
      const drainEnd = performance.now() + 120_000;
      while ((await pending(server.url)) > 0 && performance.now() < drainEnd) await Bun.sleep(100);
      sum.ingestCpu = ((cpuMs(pid) - cpu0) * 1000) / Math.max(1, accepted);
      sum.drainPeak = drain.stop().peak;
      console.log(`${"backlog processed".padEnd(34)} ${fmt(readRss(pid))}   ${mib(sum.drainPeak).padStart(8)} ${`${((performance.now() - quietFrom) / 1000).toFixed(1)} s after the burst; server CPU ${sum.ingestCpu.toFixed(1)} µs per event`}${threads(heapDir)}`);
    }
    await Bun.sleep(Math.max(0, quietFrom + 10_000 - performance.now()));
    sum.later = readRss(pid).rss;
    console.log(`${"10 s later".padEnd(34)} ${fmt(readRss(pid))}${threads(heapDir)}`);
    const roll = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").split("\n").filter((l) => /^(Rss|Pss_Anon|Pss_File|Private_Dirty|Shared_Clean|Private_Clean|Anonymous)/.test(l));
    console.log(`resident by mapping: ${residentByMapping(pid)}`);
    console.log("smaps_rollup: " + roll.map((l) => l.replace(/\s+/g, " ")).join("; "));
  } finally {
    server.proc.kill("SIGTERM");
    await server.proc.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
  return sum;
}

try {
  console.log(`bench-memory: ${machineLine()}, ${load()} (shared machine)`);
  const bins = flags.bin ?? [(await $`bun scripts/build.ts ${join(work, "aurea")}`.cwd(root).quiet(), join(work, "aurea"))];
  const sums: Summary[] = [];
  for (const [i, bin] of bins.entries()) sums.push(await runOne(bin, `${i}`));
  console.log(`\n${"server RSS (MiB)".padEnd(48)} ${"idle".padStart(6)} ${"pages".padStart(6)} ${"burst".padStart(6)} ${"drain".padStart(6)} ${"later".padStart(6)}   CPU per round of pages, events in the burst, server CPU per event until processed`);
  for (const m of sums) {
    const n = (v: number) => v.toFixed(0).padStart(6);
    console.log(`${m.bin.slice(-48).padEnd(48)} ${n(m.idle)} ${n(m.pagesPeak)} ${n(m.burstPeak)} ${n(m.drainPeak)} ${n(m.later)}   ${m.cpu.toFixed(0)} ms, ${m.burstEvents.toLocaleString("en-US")}, ${m.ingestCpu.toFixed(1)} µs`);
  }
  console.log(`\n${load()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
