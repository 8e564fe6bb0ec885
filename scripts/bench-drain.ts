// Launch-day spike, closed loop (issue 11 "Throughput", "WAL bounded"): 64 keep-alive
// connections send 10-event batches with the secret key for 10 s (page views with UTM
// on behalf of 5,000 visitors in 8,000 sessions), then the backlog drains with no HTTP
// traffic but a /healthz poll every 200 ms. Prints accepted, drain and end-to-end
// events/s, the WALs' peak size, and CPU per thread during the burst and the drain.
// Runs the previous code (a commit built into a temp dir) and this tree, one after the
// other in the same run, on the same machine; the load generator shares its cores.
//
//   bun scripts/bench-drain.ts [--base c4c2f07] [--seconds 10] [--connections 64] [--repeat 1] [--before BIN] [--after BIN] [--only after]
//
// Without --before the base commit is built (`git worktree add` + `bun install` +
// `bun scripts/build.ts`); without --after this tree is built.
import { $ } from "bun";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseFlags } from "../src/config";
import { HttpLoad } from "./bench-http-client";
import { BENCH_ORIGIN, machineLine, SPIKE_SESSIONS, SPIKE_VISITORS, spikeEvents } from "./bench-lib";

const flags = parseFlags(process.argv.slice(2), {
  base: { type: "string" }, seconds: { type: "number" }, connections: { type: "number" },
  before: { type: "string" }, after: { type: "string" }, only: { type: "string" }, repeat: { type: "number" },
});
const BASE = (flags.base as string | undefined) ?? "c4c2f07";
const SECONDS = (flags.seconds as number | undefined) ?? 10;
const CONNECTIONS = (flags.connections as number | undefined) ?? 64;
const REPEAT = (flags.repeat as number | undefined) ?? 1;
const root = join(import.meta.dir, "..");
const work = mkdtempSync(join(tmpdir(), "aurea-bench-drain-"));

async function build(tree: string, out: string): Promise<string> {
  await $`bun scripts/build.ts ${out}`.cwd(tree).quiet();
  return out;
}

async function buildBase(): Promise<string> {
  const tree = join(work, "base");
  await $`git -C ${root} worktree add --detach ${tree} ${BASE}`.quiet();
  await $`bun install --frozen-lockfile`.cwd(tree).quiet();
  return build(tree, join(tree, "aurea"));
}

function request(funnelId: string, secretKey: string, n: number): Uint8Array {
  const events = spikeEvents(n);
  const headers = { "content-type": "application/json", authorization: `Bearer ${secretKey}` };
  return HttpLoad.post("/api/track/events", headers, JSON.stringify({ funnelId, events }));
}

/** Per thread: CPU seconds, and seconds it was ready to run but waited for a core (schedstat). */
type Cpu = Map<string, { name: string; seconds: number; waited: number }>;
function threadCpu(pid: number): Cpu {
  const out: Cpu = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
      const name = tid === String(pid) ? "HTTP (main)" : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const waited = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
      out.set(tid, { name, seconds: (Number(fields[11]) + Number(fields[12])) / 100, waited });
    } catch {
      // a thread that ended between listing and reading
    }
  }
  return out;
}

/** Threads that used over 2% of a core between two samples, busiest first: "name tid 85% (waited for a core 10%)". */
function cpuLine(a: Cpu, b: Cpu, seconds: number): string {
  const used = [...b].map(([tid, t]) => ({
    tid, name: t.name, share: (t.seconds - (a.get(tid)?.seconds ?? 0)) / seconds, waited: (t.waited - (a.get(tid)?.waited ?? 0)) / seconds,
  }));
  return used.filter((t) => t.share > 0.02).sort((x, y) => y.share - x.share)
    .map((t) => `${t.name}${t.name.startsWith("HTTP") ? "" : ` ${t.tid}`} ${(t.share * 100).toFixed(0)}% (waited ${(t.waited * 100).toFixed(0)}%)`).join(", ");
}

/** CPU seconds of the thread that used most between two samples, besides the HTTP thread. */
function busiestWorker(a: Cpu, b: Cpu): number {
  let best = 0;
  for (const [tid, t] of b) if (!t.name.startsWith("HTTP")) best = Math.max(best, t.seconds - (a.get(tid)?.seconds ?? 0));
  return best;
}

interface Run { label: string; drainCpuS: number; accepted: number; refused: number; backlog: number; drainS: number; walMain: number; walQueue: number; burstCpu: string; drainCpu: string; load: string }

async function pending(url: string): Promise<number> {
  const h = (await (await fetch(`${url}/healthz`)).json()) as { queue: { pending: number; inMemory: number } };
  return h.queue.pending + h.queue.inMemory;
}

async function waitDrained(url: string, deadlineMs = 600_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while ((await pending(url)) > 0) {
    if (Date.now() > end) throw new Error("the backlog did not drain within 10 minutes");
    await Bun.sleep(200);
  }
}

async function runOne(label: string, bin: string): Promise<Run> {
  const dataDir = mkdtempSync(join(work, "data-"));
  const created = Bun.spawnSync([bin, "funnel", "create", "--name", "Bench", "--url", BENCH_ORIGIN, "--data", dataDir, "--json"]);
  const funnel = JSON.parse(created.stdout.toString()) as { id: string; secretKey: string };
  const proc = Bun.spawn([bin, "serve", "--host", "127.0.0.1", "--port", "0", "--data", dataDir], {
    stdout: "pipe", stderr: Bun.file(join(dataDir, "..", `${label.split(" ")[0]}.log`)), env: { ...process.env, AUREA_RATE_LIMIT: "0" },
  });
  let out = "";
  const reader = proc.stdout.getReader();
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    const r = await reader.read();
    if (r.done) throw new Error(`${label}: aurea serve did not start: ${out}`);
    out += new TextDecoder().decode(r.value);
  }
  (async () => { while (!(await reader.read()).done); })();
  const url = /listening on (http:\/\/\S+)/.exec(out)![1];
  const load = new HttpLoad(url);
  const wal = { main: 0, queue: 0 };
  const size = (f: string) => statSync(join(dataDir, `${f}-wal`), { throwIfNoEntry: false })?.size ?? 0;
  try {
    let n = 0;
    // Requests are built before the clock starts, so the generator spends its CPU on sending.
    const POOL = 40_000;
    const pool = Array.from({ length: POOL }, (_, i) => request(funnel.id, funnel.secretKey, i));
    const next = () => (n < POOL ? pool[n++] : request(funnel.id, funnel.secretKey, n++));
    const burst = async (seconds: number, connections: number) => {
      let accepted = 0;
      let refused = 0;
      const end = performance.now() + seconds * 1000;
      await Promise.all(Array.from({ length: connections }, async () => {
        while (performance.now() < end) {
          const a = await load.send(next());
          if (a.status === 202) accepted++;
          else refused++;
        }
      }));
      return { accepted, refused };
    };
    // Warm-up (JIT), not reported.
    await burst(2, 8);
    await waitDrained(url);
    const sampler = setInterval(() => {
      wal.main = Math.max(wal.main, size("aurea.db"));
      wal.queue = Math.max(wal.queue, size("queue.db"));
    }, 100);
    const c0 = threadCpu(proc.pid);
    const t0 = performance.now();
    const { accepted, refused } = await burst(SECONDS, CONNECTIONS);
    const burstS = (performance.now() - t0) / 1000;
    const c1 = threadCpu(proc.pid);
    const backlog = await pending(url);
    const t1 = performance.now();
    await waitDrained(url);
    const drainS = (performance.now() - t1) / 1000;
    const c2 = threadCpu(proc.pid);
    clearInterval(sampler);
    return {
      label, accepted: accepted * 10, refused, backlog: backlog * 10, drainS, walMain: wal.main, walQueue: wal.queue,
      burstCpu: cpuLine(c0, c1, burstS), drainCpuS: busiestWorker(c1, c2), drainCpu: cpuLine(c1, c2, drainS), load: loadavg()[0].toFixed(1),
    };
  } finally {
    load.close();
    proc.kill("SIGTERM");
    await proc.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function print(r: Run): void {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
  const k = (v: number) => `${(v / 1000).toFixed(1)}k`;
  console.log(`${r.label}:`);
  console.log(`  accepted ${k(r.accepted / SECONDS)} events/s (${r.refused} requests refused) | backlog ${r.backlog.toLocaleString("en-US")} events drained in ${r.drainS.toFixed(1)} s = ${k(r.backlog / r.drainS)} events/s | end to end ${k(r.accepted / (SECONDS + r.drainS))} events/s`);
  console.log(`  peak WAL aurea.db ${mb(r.walMain)}, queue.db ${mb(r.walQueue)} | load average after ${r.load}`);
  console.log(`  CPU burst: ${r.burstCpu}`);
  console.log(`  CPU drain: ${r.drainCpu} | processing ${((r.drainCpuS * 1e6) / Math.max(1, r.backlog)).toFixed(1)} µs CPU per event`);
}

console.log(`bench-drain: ${machineLine()}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.log(`${CONNECTIONS} connections, closed loop, ${SECONDS} s; 10 page views with UTM per request, secret key, ${SPIKE_VISITORS} visitors in ${SPIKE_SESSIONS} sessions\n`);
try {
  const only = flags.only as string | undefined;
  const before = only === "after" ? null : ((flags.before as string | undefined) ?? (await buildBase()));
  const after = only === "before" ? null : ((flags.after as string | undefined) ?? (await build(root, join(work, "aurea-after"))));
  // Alternating, so that a change in the machine's load falls on both alike.
  for (let i = 0; i < REPEAT; i++) {
    if (before) print(await runOne(`before (${flags.before ?? BASE})`, before));
    if (after) print(await runOne(`after (${flags.after ?? "this tree"})`, after));
  }
} finally {
  if (!flags.before) await $`git -C ${root} worktree remove --force ${join(work, "base")}`.quiet().nothrow();
  rmSync(work, { recursive: true, force: true });
}
