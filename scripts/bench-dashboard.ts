// Times the analytics dashboard on realistic data: seeds a temporary data dir with
// `--events` demo events over `--days` (scripts/seed-demo.ts's generator), starts
// `aurea serve` on it as a child process, signs in, and requests every page and
// partial `--runs` times. Prints median and p95 per request, and the machine.
//
//   bun scripts/bench-dashboard.ts [--events 1000000] [--days 90] [--runs 7] [--data DIR] [--keep]
//
// --data DIR reuses (or creates and keeps) a seeded data dir, to skip seeding on reruns.
import { cpus, loadavg, totalmem } from "node:os";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFlags } from "../src/config";
import { openStore } from "../src/db/open";
import { seedDemo } from "../src/store/sqlite/demo-seed";
import { createFunnel } from "../src/funnels/store";
import { createSession } from "../src/web/auth/sessions";
import { createUser, findUserByEmail } from "../src/web/auth/users";
import { spawnServe } from "../tests/helpers/process";

const flags = parseFlags(process.argv.slice(2), {
  events: { type: "number" }, days: { type: "number" }, runs: { type: "number" }, data: { type: "string" }, keep: { type: "boolean" },
});
const events = (flags.events as number | undefined) ?? 1_000_000;
const days = (flags.days as number | undefined) ?? 90;
const runs = (flags.runs as number | undefined) ?? 7;
const dataDir = (flags.data as string | undefined) ?? mkdtempSync(join(tmpdir(), "aurea-bench-dashboard-"));
const keep = Boolean(flags.keep || flags.data);

function machine(): string {
  const c = cpus();
  return `${c.length} cores, ${c[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, Bun ${Bun.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
}

async function prepare(): Promise<{ funnelId: string; cookie: string; seeded: string }> {
  const store = openStore(dataDir);
  try {
    let seeded = "reused";
    let funnelId = store.sqlite.query<{ id: string }, []>("SELECT id FROM funnels WHERE name = 'Bench demo' LIMIT 1").get()?.id;
    if (!funnelId) {
      funnelId = createFunnel(store.db, { name: "Bench demo", url: "https://demo.aurea.dev" }).funnel.id;
      const r = seedDemo(store.sqlite, funnelId, { events, days, now: Date.now() });
      seeded = `${r.events.toLocaleString("en-US")} events, ${r.sessions.toLocaleString("en-US")} visits over ${days} days: rows ${(r.ms / 1000).toFixed(1)} s + rollups ${(r.rollupMs / 1000).toFixed(1)} s`;
    }
    const email = "bench@example.com";
    const user = findUserByEmail(store.db, email) ?? (await createUser(store.db, { email, password: "bench password 123", role: "owner" }));
    const { token } = createSession(store.db, user.id, Date.now());
    return { funnelId, cookie: `aurea_session=${token}`, seeded };
  } finally {
    store.close();
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

async function main() {
  console.log(`machine: ${machine()}`);
  console.log(`data: ${dataDir}${existsSync(join(dataDir, "aurea.db")) ? " (existing)" : ""}`);
  const { funnelId, cookie, seeded } = await prepare();
  console.log(`seed: ${seeded}`);
  const server = await spawnServe(dataDir);
  try {
    const base = `${server.url}/funnels/${funnelId}`;
    const get = async (path: string, htmx = false) => {
      const t = performance.now();
      const res = await fetch(base + path, { headers: { cookie, ...(htmx ? { "hx-request": "true" } : {}) } });
      const body = await res.arrayBuffer();
      const ms = performance.now() - t;
      if (res.status !== 200 && res.status !== 204) throw new Error(`${path}: ${res.status} ${new TextDecoder().decode(body).slice(0, 200)}`);
      return ms;
    };
    const panels = ["sources", "pages", "locations", "devices", "events"];
    const requests: [string, string, boolean][] = [
      ["page 30d (cards + chart + live)", "?range=30d", false],
      ...panels.map((p) => [`panel ${p} 30d`, `/panels/${p}?range=30d`, true] as [string, string, boolean]),
      ["panel sources: campaign", "/panels/sources?range=30d&dim=campaign", true],
      ["panel locations: city", "/panels/locations?range=30d&dim=city", true],
      ["chart pageviews 30d", "/panels/chart?range=30d&metric=pageviews", true],
      ["chart revenue 30d", "/panels/chart?range=30d&metric=revenue", true],
      ["event props: purchase", "/panels/event-props?range=30d&name=purchase", true],
      ["live (poll)", "/live?after=0", true],
      ["page 7d", "?range=7d", false],
      ["page 90d", "?range=90d", false],
      ["page today", "?range=today", false],
      ["page 30d, source=facebook", "?range=30d&source=facebook", false],
      ["panel pages, source=facebook", "/panels/pages?range=30d&source=facebook", true],
      ["page 30d, page=/pricing", "?range=30d&page=%2Fpricing", false],
      ["panel sources, page=/pricing", "/panels/sources?range=30d&page=%2Fpricing", true],
      ["sessions list 30d", "/sessions?range=30d", false],
      ["contacts list 30d", "/contacts?range=30d", false],
    ];
    await get("?range=30d"); // first read of the funnel: builds nothing new, warms the cache
    const times = new Map<string, number[]>(requests.map(([name]) => [name, []]));
    const full: number[] = [];
    for (let i = 0; i < runs; i++) {
      let dashboard = 0;
      for (const [name, path, htmx] of requests) {
        const ms = await get(path, htmx);
        times.get(name)!.push(ms);
        if (name === "page 30d (cards + chart + live)" || (name.startsWith("panel ") && name.endsWith(" 30d"))) dashboard += ms;
      }
      full.push(dashboard);
    }
    const t0 = performance.now();
    const csv = await fetch(`${base}/export/events.csv?range=30d`, { headers: { cookie } });
    const bytes = (await csv.arrayBuffer()).byteLength;
    const exportMs = performance.now() - t0;
    console.log(`\n${"request".padEnd(36)} ${"median".padStart(8)} ${"p95".padStart(8)}   (ms, ${runs} runs, wall time at the client over 127.0.0.1)`);
    for (const [name, list] of [...times, ["full dashboard 30d (page + 5 panels, sequential)", full] as [string, number[]]]) {
      const s = [...list].sort((a, b) => a - b);
      console.log(`${name.padEnd(36)} ${quantile(s, 0.5).toFixed(1).padStart(8)} ${quantile(s, 0.95).toFixed(1).padStart(8)}`);
    }
    console.log(`\nexport events.csv 30d: ${(bytes / 2 ** 20).toFixed(1)} MB in ${(exportMs / 1000).toFixed(2)} s`);
    console.log(`machine after: ${machine()}`);
  } finally {
    server.proc.kill("SIGTERM");
    await server.proc.exited;
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
