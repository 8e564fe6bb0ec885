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
import { openStore } from "../src/db/open";
import { saveSteps } from "../src/funnels/steps-definition";
import { createFunnel, listFunnels, rotateKeys } from "../src/funnels/store";
import { createSession } from "../src/web/auth/sessions";
import { createUser, findUserByEmail } from "../src/web/auth/users";
import { spawnServe, type Spawned } from "../tests/helpers/process";
import { HttpLoad } from "./bench-http-client";
import { BENCH_ORIGIN, FIVE_STEPS, machineLine, mib, readRss, sampleRss, spikeEvents } from "./bench-lib";

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

/**
 * The demo funnel (`seed-demo --create`'s "Demo funnel"), a 5-step definition on it, a signed-in owner, and a
 * second funnel with a secret key for the burst (so a rerun on the same data dir
 * measures the same demo data).
 */
async function prepare(): Promise<{ funnelId: string; cookie: string; burst: { id: string; secretKey: string } }> {
  const store = openStore(dataDir);
  try {
    const funnelId = store.sqlite.query<{ id: string }, []>("SELECT id FROM funnels WHERE name = 'Demo funnel' LIMIT 1").get()?.id;
    if (!funnelId) throw new Error(`${dataDir}: no events; seed it first`);
    saveSteps(store.db, funnelId, FIVE_STEPS);
    const email = "bench@example.com";
    const user = findUserByEmail(store.db, email) ?? (await createUser(store.db, { email, password: "bench password 123", role: "owner" }));
    const { token } = createSession(store.db, user.id, Date.now());
    const burstId = listFunnels(store.db).find((f) => f.name === "Bench burst")?.id ?? createFunnel(store.db, { name: "Bench burst", url: BENCH_ORIGIN }).funnel.id;
    return { funnelId, cookie: `aurea_session=${token}`, burst: { id: burstId, secretKey: rotateKeys(store.db, burstId)!.secretKey } };
  } finally {
    store.close();
  }
}

interface Target {
  name: string;
  path: string;
  htmx: boolean;
  /** The issue's bound in ms; null: printed for context only. */
  target: number | null;
}

const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const PANELS = ["sources", "pages", "locations", "devices", "events"];
const TARGETS: Target[] = [
  { name: "overview page (30 days)", path: "?range=30d", htmx: false, target: 200 },
  ...PANELS.map((p) => ({ name: `panel ${p}`, path: `/panels/${p}?range=30d`, htmx: true, target: 100 })),
  { name: "panel chart", path: "/panels/chart?range=30d&metric=visitors", htmx: true, target: 100 },
  { name: "page, source=facebook", path: "?range=30d&source=facebook", htmx: false, target: 500 },
  { name: "page, page=/pricing", path: "?range=30d&page=%2Fpricing", htmx: false, target: 500 },
  { name: "page, device=mobile", path: "?range=30d&device=mobile", htmx: false, target: 500 },
  { name: "panel pages, source=facebook", path: "/panels/pages?range=30d&source=facebook", htmx: true, target: null },
  { name: "5-step funnel report (30 days)", path: "/steps?range=30d", htmx: false, target: 500 },
  { name: "sessions list", path: "/sessions?range=30d", htmx: false, target: 100 },
  { name: "contacts list", path: "/contacts?range=30d", htmx: false, target: 100 },
  { name: "event-property drill-down", path: "/panels/event-props?range=30d&name=purchase", htmx: true, target: 300 },
  { name: "overview page (last 365 days)", path: `?range=custom&from=${isoDay(-364)}&to=${isoDay(0)}`, htmx: false, target: null },
];

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

/** Closed loop, 64 connections, `seconds` of 10-event batches with the secret key (bench-drain's spike). */
async function burst(url: string, funnelId: string, secretKey: string, seconds: number): Promise<number> {
  const http = new HttpLoad(url);
  const headers = { "content-type": "application/json", authorization: `Bearer ${secretKey}` };
  let n = 0;
  let accepted = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < end) {
        const a = await http.send(HttpLoad.post("/api/track/events", headers, JSON.stringify({ funnelId, events: spikeEvents(n++) })));
        if (a.status === 202) accepted += 10;
      }
    }),
  );
  http.close();
  return accepted;
}

try {
  console.log(`bench-scale: ${machineLine()}, ${load()} (shared machine)`);
  const bin = (flags.bin as string | undefined) ?? (await $`bun scripts/build.ts ${join(work, "aurea")}`.cwd(root).quiet(), join(work, "aurea"));
  if (!existsSync(join(dataDir, "aurea.db"))) await seed(bin);
  else console.log(`data: ${dataDir} (seeded before)`);
  const { funnelId, cookie, burst: burstFunnel } = await prepare();
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
