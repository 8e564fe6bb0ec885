// Does a slow dashboard stall ingest? Runs two executables the same way, one after the
// other in the same run: the previous code (built from a commit into a temp dir) and
// this tree's. Each gets a copy of the same demo data with sqlite_stat1 deleted (the
// planner's worst case), then, at once: the slowest filtered panels in a loop
// (?page=/pricing, ?device=mobile, ?source=facebook), ingest at a fixed rate, open
// loop, and /healthz every 100 ms. Prints ack, /healthz and panel latencies.
//
//   bun scripts/bench-isolation.ts [--base 4ad620d] [--seconds 20] [--rate 1000] [--events 100000] [--before BIN] [--after BIN]
//
// Without --before, the base commit is built with `git worktree add` + `bun install` +
// `bun scripts/build.ts` into a temp dir; without --after, this tree is built. The
// load generator runs on the same machine and takes CPU from the server.
import { $ } from "bun";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseFlags } from "../src/config";
import { openStore } from "../src/db/open";
import { seedDemo } from "../src/store/sqlite/demo-seed";
import { createFunnel } from "../src/funnels/store";
import { createSession } from "../src/web/auth/sessions";
import { createUser } from "../src/web/auth/users";
import { spawnServe } from "../tests/helpers/process";
import { HttpLoad } from "./bench-http-client";
import { benchBatch, BENCH_ORIGIN, mib, percentile, readRss, sampleRss } from "./bench-lib";

const flags = parseFlags(process.argv.slice(2), {
  base: { type: "string" }, seconds: { type: "number" }, rate: { type: "number" }, events: { type: "number" },
  before: { type: "string" }, after: { type: "string" },
});
const BASE = (flags.base as string | undefined) ?? "4ad620d";
const SECONDS = (flags.seconds as number | undefined) ?? 20;
const RATE = (flags.rate as number | undefined) ?? 1000;
const EVENTS = (flags.events as number | undefined) ?? 100_000;
const root = join(import.meta.dir, "..");
const work = mkdtempSync(join(tmpdir(), "aurea-bench-isolation-"));

const machine = () => {
  const c = cpus();
  return `${c.length} cores, ${c[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, Bun ${Bun.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
};

async function buildBase(): Promise<string> {
  const tree = join(work, "base");
  await $`git -C ${root} worktree add --detach ${tree} ${BASE}`.quiet();
  await $`bun install --frozen-lockfile`.cwd(tree).quiet();
  await $`bun scripts/build.ts ${join(tree, "aurea")}`.cwd(tree).quiet();
  return join(tree, "aurea");
}

interface Template {
  dir: string;
  demo: string;
  ingest: { id: string; publicKey: string };
  cookie: string;
}

/** Demo data, an ingest funnel and a signed-in owner; then no statistics at all. */
async function template(): Promise<Template> {
  const dir = join(work, "template");
  const store = openStore(dir);
  try {
    const demo = createFunnel(store.db, { name: "Demo", url: "https://demo.aurea.dev" }).funnel.id;
    const r = seedDemo(store.sqlite, demo, { events: EVENTS, days: 90, now: Date.now(), seed: 11 });
    console.log(`seed: ${r.events.toLocaleString("en-US")} events, ${r.sessions.toLocaleString("en-US")} visits over 90 days`);
    const made = createFunnel(store.db, { name: "Ingest", url: BENCH_ORIGIN });
    const user = await createUser(store.db, { email: "bench@example.com", password: "bench password 123", role: "owner" });
    const { token } = createSession(store.db, user.id, Date.now());
    store.sqlite.exec("DELETE FROM sqlite_stat1");
    store.sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return { dir, demo, ingest: { id: made.funnel.id, publicKey: made.publicKey }, cookie: `aurea_session=${token}` };
  } finally {
    // close() would run PRAGMA optimize and measure the tables again.
    store.sqlite.close();
    store.queue.close();
  }
}

const PANELS = ["page=%2Fpricing", "device=mobile", "source=facebook"];

/** As bench-ingest: requests beyond this many unanswered are counted as not sent. */
const MAX_IN_FLIGHT = 256;

interface Run {
  acks: number[];
  ackFailed: number;
  notSent: number;
  health: number[];
  panels: number[];
  panelStatus: Record<number, number>;
  /** Server RSS: right after start (idle), and the peak sampled during the measured seconds. */
  rss: { idle: number; peak: number; hwm: number };
}

async function measure(bin: string, t: Template, label: string, withPanels = true): Promise<Run> {
  const dir = join(work, label);
  cpSync(t.dir, dir, { recursive: true });
  const server = await spawnServe(dir, [], bin);
  const load = new HttpLoad(server.url);
  const run: Run = { acks: [], ackFailed: 0, notSent: 0, health: [], panels: [], panelStatus: {}, rss: { idle: readRss(server.proc.pid).rss, peak: 0, hwm: 0 } };
  try {
    const post = () => {
      const { body, ua } = benchBatch(t.ingest.id, t.ingest.publicKey);
      return HttpLoad.post("/api/track/events", { "content-type": "text/plain", origin: BENCH_ORIGIN, "user-agent": ua }, body);
    };
    // Warm-up (JIT), not measured, no panels yet.
    for (let i = 0; i < 300; i++) await load.send(post());

    const requests = Array.from({ length: RATE * SECONDS }, post);
    const rss = sampleRss(server.proc.pid);
    const start = performance.now();
    const end = start + SECONDS * 1000;
    const running = () => performance.now() < end;
    const panelLoop = (async () => {
      for (let i = 0; withPanels && running(); i++) {
        const t0 = performance.now();
        // No client timeout: the previous code can hold a panel (and everything else) for minutes.
        const url = `${server.url}/funnels/${t.demo}/panels/pages?${PANELS[i % PANELS.length]}`;
        const res = await fetch(url, { headers: { cookie: t.cookie, "hx-request": "true" }, timeout: false });
        await res.arrayBuffer();
        run.panels.push(performance.now() - t0);
        run.panelStatus[res.status] = (run.panelStatus[res.status] ?? 0) + 1;
      }
    })();
    const healthLoop = (async () => {
      while (running()) {
        const t0 = performance.now();
        await (await fetch(`${server.url}/healthz`, { timeout: false })).arrayBuffer();
        run.health.push(performance.now() - t0);
        await Bun.sleep(100);
      }
    })();
    const inFlight = new Set<Promise<void>>();
    let sent = 0;
    while (sent < requests.length && running()) {
      const due = Math.min(requests.length, Math.floor(((performance.now() - start) / 1000) * RATE));
      for (; sent < due; sent++) {
        if (inFlight.size >= MAX_IN_FLIGHT) {
          run.notSent++;
          continue;
        }
        const p: Promise<void> = load
          .send(requests[sent])
          .then(
            (a) => {
              if (a.status === 202) run.acks.push(a.ms);
              else run.ackFailed++;
            },
            () => {
              run.ackFailed++;
            },
          )
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await Bun.sleep(1);
    }
    run.notSent += requests.length - sent;
    await Promise.all([...inFlight, panelLoop, healthLoop]);
    const r = rss.stop();
    run.rss.peak = r.peak;
    run.rss.hwm = r.hwm;
    return run;
  } finally {
    load.close();
    server.proc.kill("SIGTERM");
    await server.proc.exited;
  }
}

function line(label: string, r: Run): string {
  const ms = (v: number) => (Number.isNaN(v) ? "-" : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(1)} ms`);
  const stats = (v: number[]) => `p50 ${ms(percentile(v, 50))}, p99 ${ms(percentile(v, 99))}, max ${ms(Math.max(...v))}`;
  const statuses = Object.entries(r.panelStatus).map(([s, n]) => `${n}×${s}`).join(" ");
  return [
    `${label}:`,
    `  ingest ack (${r.acks.length} × 202, ${r.ackFailed} failed, ${r.notSent} not sent: ${MAX_IN_FLIGHT} in flight): ${stats(r.acks)}`,
    `  /healthz (${r.health.length}): ${stats(r.health)}`,
    ...(r.panels.length ? [`  filtered panel (${r.panels.length}: ${statuses}): ${stats(r.panels)}`] : []),
    `  server RSS: ${mib(r.rss.idle)} at start, peak ${mib(r.rss.peak)} during the run (VmHWM ${mib(r.rss.hwm)})`,
  ].join("\n");
}

try {
  console.log(`bench-isolation: ${machine()} (shared machine: other work ran beside this)`);
  const before = (flags.before as string | undefined) ?? (await buildBase());
  const after = (flags.after as string | undefined) ?? (await $`bun scripts/build.ts ${join(work, "aurea-after")}`.cwd(root).quiet(), join(work, "aurea-after"));
  if (!existsSync(before) || !existsSync(after)) throw new Error(`missing executable: ${before} or ${after}`);
  const t = await template();
  console.log(`${SECONDS} s each: ${RATE} ingest requests/s open loop (10 events each), filtered panels in a loop (${PANELS.join(", ")}), /healthz every 100 ms; sqlite_stat1 deleted\n`);
  const b = await measure(before, t, "before");
  console.log(line(`before (${flags.before ?? BASE})`, b));
  console.log(`  load average now ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const a = await measure(after, t, "after");
  console.log(line(`after (${flags.after ?? "this tree"})`, a));
  console.log(`  load average now ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  // The same ingest with no dashboard at all: what this machine gives right now.
  const c = await measure(after, t, "control", false);
  console.log(line(`control: ${flags.after ?? "this tree"}, no panels`, c));
  console.log(`  load average now ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
} finally {
  if (existsSync(join(work, "base"))) await $`git -C ${root} worktree remove --force ${join(work, "base")}`.quiet().nothrow();
  rmSync(work, { recursive: true, force: true });
}
