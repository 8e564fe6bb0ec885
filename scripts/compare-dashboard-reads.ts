// Every dashboard read over fixed scopes, written as JSON (and their times beside it),
// for comparing two layouts' answers: run it with main's code on an old-layout database
// and with this code on the same data in the compact layout, then diff the two files.
// The rollups are read as they are (nothing is rebuilt): the horizon is the start of the
// day after the last event.
//
//   bun scripts/compare-dashboard-reads.ts CODE_DIR DB_FILE OUT.json
import { Database } from "bun:sqlite";
const [tree, dbPath, out] = process.argv.slice(2);
if (!out) throw new Error("usage: bun scripts/compare-dashboard-reads.ts CODE_DIR DB_FILE OUT.json");
const { sqliteDashboardReader } = await import(`${tree}/src/store/sqlite/dashboard/dashboard-reader.ts`);
const { funnelDataSize } = await import(`${tree}/src/store/sqlite/data-size.ts`);
const sqlite = new Database(dbPath, { readonly: true });
sqlite.exec("PRAGMA cache_size = -262144; PRAGMA mmap_size = 0");
const DAY = 86_400_000;
const F = (sqlite.query("SELECT id FROM funnels ORDER BY created_at LIMIT 1").get() as { id: string }).id;
const NOW = (sqlite.query("SELECT max(ts) AS t FROM events").get() as { t: number }).t + 60_000;
const today = Math.floor(NOW / DAY) * DAY;
// A stand-in for the rollup registry: the rollups are read as they are.
const r = sqliteDashboardReader(sqlite, { refresh: () => today } as never);
const results: Record<string, unknown> = {};
const times: Record<string, number> = {};
const run = (name: string, f: () => unknown) => {
  const t = performance.now();
  let v: unknown;
  try { v = f(); } catch (e) { v = `ERROR ${(e as Error).message}`; }
  times[name] = performance.now() - t;
  results[name] = v instanceof Map ? Object.fromEntries(v) : v;
};
const scopes: [string, Record<string, string>[]][] = [
  ["none", []], ["page", [{ key: "page", value: "/pricing" }]], ["device", [{ key: "device", value: "mobile" }]],
  ["source", [{ key: "source", value: "facebook" }]], ["referrer-empty", [{ key: "referrer", value: "" }]],
  ["event", [{ key: "event", value: "checkout_initiated" }]], ["city", [{ key: "city", value: "Paris" }]],
  ["entry", [{ key: "entry", value: "/" }]], ["channel+page", [{ key: "channel", value: "Paid Social" }, { key: "page", value: "/pricing" }]],
];
let sessionIds: string[];
try { sessionIds = (sqlite.query("SELECT public_id AS id FROM sessions ORDER BY started_at DESC LIMIT 3").all() as { id: string }[]).map((x) => x.id); }
catch { sessionIds = (sqlite.query("SELECT id FROM sessions ORDER BY started_at DESC LIMIT 3").all() as { id: string }[]).map((x) => x.id); }
const contactIds = (sqlite.query("SELECT id FROM contacts ORDER BY last_seen DESC LIMIT 3").all() as { id: number }[]).map((x) => x.id);
for (const [label, filters] of scopes) {
  for (const days of [30, 7]) {
    const from = NOW - days * DAY - 3_600_000 * 5 - 123_000;
    const scope = { funnelId: F, from, to: NOW, filters };
    const tag = `${label}/${days}d`;
    run(`series ${tag} visitors`, () => r.series({ scope, bucket: "day", tz: "Europe/Berlin", metric: "visitors", historyStart: NOW - 90 * DAY, now: NOW }));
    run(`series ${tag} visits hour`, () => r.series({ scope, bucket: "hour", tz: "America/St_Johns", metric: "visits", historyStart: NOW - 90 * DAY, now: NOW }));
    run(`overview ${tag}`, () => r.overview({ scope, previous: { from: from - days * DAY, to: from }, historyStart: NOW - 90 * DAY, knownVisitors: null, now: NOW }));
    for (const dim of ["channel", "referrer", "source", "campaign", "browser", "os", "device", "country", "region", "city", "entry", "exit", "page", "event"])
      run(`breakdown ${tag} ${dim}`, () => r.breakdown({ scope, dim, limit: 10, now: NOW }));
    run(`eventProps ${tag}`, () => r.eventProps({ scope, name: "checkout_initiated" }));
    run(`eventProps purchase ${tag}`, () => r.eventProps({ scope, name: "purchase" }));
    run(`browseSessions ${tag}`, () => { const p = r.browseSessions({ scope, limit: 50, before: null }); const q = p.next ? r.browseSessions({ scope, limit: 50, before: { startedAt: Number(p.next.split(".")[0]), id: p.next.slice(p.next.indexOf(".") + 1) } }) : null; return [p, q]; });
    run(`browseContacts ${tag}`, () => r.browseContacts({ scope, limit: 50, before: null }));
    run(`export events ${tag}`, () => r.exportPage({ kind: "events", scope, tz: "UTC", before: null }));
    run(`export sessions ${tag}`, () => r.exportPage({ kind: "sessions", scope, tz: "UTC", before: null }));
    run(`export contacts ${tag}`, () => r.exportPage({ kind: "contacts", scope, tz: "UTC", before: null }));
    run(`live ${tag}`, () => r.live({ funnelId: F, filters, after: null, now: NOW, hideAuto: true }));
    run(`live after ${tag}`, () => r.live({ funnelId: F, filters, after: 999_000, now: NOW, hideAuto: false }));
  }
}
run("geo", () => r.hasGeoDetail({ funnelId: F, now: NOW }));
run("eventNameKinds", () => { const k = r.eventNameKinds({ funnelId: F }); return { c: [...k.conversions], i: [...k.identifies] }; });
run("liveNow", () => r.liveNow({ funnelId: F, now: NOW }));
run("liveNow earlier", () => r.liveNow({ funnelId: F, now: NOW - 3 * DAY }));
for (const id of sessionIds) run(`session ${id}`, () => r.session({ funnelId: F, sessionId: id }));
for (const id of contactIds) run(`contact ${id}`, () => r.contact({ funnelId: F, contactId: id }));
run("funnelCards", () => r.funnelCards({ now: NOW }));
for (const model of ["last_touch", "first_touch"]) for (const breakdown of ["channel", "utm_source", "utm_campaign", "landing_page"])
  run(`revenue ${model} ${breakdown}`, () => r.revenueOrders({ funnelId: F, from: NOW - 30 * DAY, to: NOW, model, breakdown, includeTest: true }));
run("stats", () => r.stats({ funnelId: F, range: { from: NOW - 30 * DAY, to: NOW } }));
run("api events", () => { const a = r.events({ funnelId: F, limit: 100, before: null }); return [a, r.events({ funnelId: F, limit: 100, before: { ts: NOW - DAY, tie: 1e9 } })]; });
run("api sessions", () => { const a = r.sessions({ funnelId: F, limit: 100, before: null }); const [ts, ...tie] = a.next.split("."); return [a, r.sessions({ funnelId: F, limit: 100, before: { ts: Number(ts), tie: tie.join(".") } })]; });
run("api contacts", () => r.contacts({ funnelId: F, limit: 100, before: null }));
run("dataSize", () => { const d = funnelDataSize(sqlite, F, NOW); return d && { events: d.events, eventsPerDay: d.eventsPerDay }; });
await Bun.write(out, JSON.stringify(results, null, 1));
await Bun.write(out + ".times", JSON.stringify(times, null, 1));
console.log("done", Object.values(results).filter((v) => typeof v === "string" && v.startsWith("ERROR")).length, "errors");
