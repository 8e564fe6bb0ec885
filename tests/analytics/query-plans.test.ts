// The hot reads' query plans on seeded demo data, with the statistics the reader
// threads keep: no statement may read the whole events or sessions table (both are
// indexed by funnel first; a search bounded by the funnel alone counts as whole). Every registered read is run, through a connection that
// records each statement with its parameters, and each statement is explained.
// docs/performance.md lists which index each read uses.
import type { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { readContext } from "../../src/analytics/reads/context";
import { READS, type ReadRegistry } from "../../src/analytics/reads/registry";
import { parseFilters, type Scope } from "../../src/analytics/filters";
import { DAY_MS } from "../../src/analytics/timezone";
import { openReaderConnection, openStore, type Store } from "../../src/db/open";
import { Statistics } from "../../src/store/sqlite/statistics";
import { seedDemo } from "../../src/store/sqlite/demo-seed";
import { parseExperimentInput } from "../../src/experiments/definition";
import { createExperiment } from "../../src/experiments/store";
import { parseSteps } from "../../src/funnels/steps-definition";
import { createFunnel } from "../../src/funnels/store";
import { decodePublicId } from "../../src/store/sqlite/layout";
import { tempDir } from "../helpers/server";

const dir = tempDir("aurea-plans-");
const NOW = Date.UTC(2026, 5, 15, 12);
let store: Store;
let funnelId: string;

beforeAll(() => {
  store = openStore(dir);
  funnelId = createFunnel(store.db, { name: "Plans", url: "https://shop.example" }).funnel.id;
  // A second funnel, so that "funnel = ?" is not every row.
  const other = createFunnel(store.db, { name: "Other", url: "https://other.example" }).funnel.id;
  seedDemo(store.sqlite, funnelId, { events: 6000, days: 45, now: NOW, seed: 7 });
  seedDemo(store.sqlite, other, { events: 3000, days: 45, now: NOW, seed: 8 });
  createExperiment(store.db, funnelId, parseExperimentInput({ key: "headline", variants: "a:50,b:50", metric: "conversion:purchase" }), NOW - 20 * DAY_MS);
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Recorded {
  read: string;
  sql: string;
  params: unknown[];
}

/** The connection, recording every statement run through query() or prepare(). */
function recording(sqlite: Database, log: Recorded[], current: () => string): Database {
  const wrapStatement = (stmt: object, sql: string) =>
    new Proxy(stmt, {
      get(target, prop) {
        const v = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        if (!["all", "get", "run", "values", "iterate"].includes(String(prop))) return v.bind(target);
        return (...params: unknown[]) => {
          log.push({ read: current(), sql, params });
          return v.apply(target, params);
        };
      },
    });
  return new Proxy(sqlite, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (prop === "query" || prop === "prepare") return (sql: string) => wrapStatement(v.call(target, sql), sql);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

type Args = { [N in keyof ReadRegistry]: Parameters<ReadRegistry[N]>[1] };

function argsFor(scope: Scope): Args {
  const suggested = READS["steps.suggest"](readContext(store.sqlite), { funnelId });
  const parsed = parseSteps(suggested);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const def = parsed.value;
  const series = { scope, bucket: "day" as const, tz: "Europe/Berlin", metric: "visitors" as const, historyStart: NOW - 45 * DAY_MS, now: NOW };
  const revenue = { from: scope.from, to: scope.to, model: "last_touch" as const, breakdown: "channel" as const, includeTest: false };
  const report = { funnelId, def, from: scope.from, to: scope.to, now: NOW, filters: scope.filters };
  return {
    "dashboard.overview": { ...series, previous: { from: scope.from - 30 * DAY_MS, to: scope.from } },
    "dashboard.chart": series,
    "dashboard.geoDetail": { funnelId, now: NOW },
    "dashboard.breakdown": { scope, dim: "page", limit: 10, now: NOW },
    "dashboard.eventProps": { scope, name: "checkout_initiated" },
    "dashboard.live": { funnelId, filters: scope.filters, after: null, now: NOW, hideAuto: true },
    "dashboard.eventNameKinds": { funnelId },
    "dashboard.sessions": { scope, limit: 50, before: null },
    "dashboard.session": { funnelId, sessionId: sessionId() },
    "dashboard.contacts": { scope, limit: 50, before: null },
    "dashboard.contact": { funnelId, contactId: contactId() },
    "dashboard.exportPage": { kind: "events", scope, tz: "UTC", before: null },
    "dashboard.funnelCards": { now: NOW },
    "dashboard.revenue": { funnelId, args: revenue },
    "steps.report": { ...report, breakdown: "channel", compare: true },
    "steps.visitors": { ...report, step: 1, status: "continued", limit: 50 },
    "steps.suggest": { funnelId },
    "steps.check": { funnelId, steps: [...def.steps, { name: "Near miss", page: "/checkout/" }, { name: "Typo", event: "checkout-initiated" }], now: NOW },
    "experiments.results": { funnelId, key: "headline", now: NOW },
    "settings.dataSize": { funnelId, now: NOW },
    "api.stats": { funnelId, range: { from: scope.from, to: scope.to } },
    "api.events": { funnelId, limit: 100, before: { ts: NOW - DAY_MS, tie: 1e9 } },
    "api.sessions": { funnelId, limit: 100, before: null },
    "api.revenue": { funnelId, args: { ...revenue, model: "first_touch" } },
    "api.contacts": { funnelId, limit: 100, before: null },
  };
}

const sessionId = () =>
  decodePublicId(
    (store.sqlite.query("SELECT public_id FROM sessions WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?) LIMIT 1").get(funnelId) as {
      public_id: string | Uint8Array;
    }).public_id,
  );
const contactId = () => (store.sqlite.query("SELECT id FROM contacts WHERE funnel_id = ? LIMIT 1").get(funnelId) as { id: number }).id;

/** Reads that walk a funnel's rows newest first and stop at their LIMIT (the index's order, no sort). */
const NEWEST_FIRST = new Set(["api.events", "api.sessions", "api.contacts", "dashboard.live", "dashboard.overview"]);
/** Reads that look at a funnel's whole history by design. */
const WHOLE_HISTORY = new Set(["steps.suggest", "settings.dataSize"]);
/** Known and not yet fixed: none. */
const KNOWN: RegExp[] = [];

/**
 * Plan lines that read all of events or sessions: a SCAN, or a SEARCH bounded by the
 * funnel alone (with one funnel, the whole table; what the planner picks without
 * statistics). Allowed: an index the statement names itself (INDEXED BY), min/max
 * from a covering index, and the reads above.
 */
function fullScans(sqlite: Database, r: Recorded): string[] {
  const plan = sqlite.query(`EXPLAIN QUERY PLAN ${r.sql}`).all(...(r.params as never[])) as { id: number; parent: number; detail: string }[];
  const aliases = new Map<string, string>([["events", "events"], ["sessions", "sessions"]]);
  for (const m of r.sql.matchAll(/\b(events|sessions)\s+(?:AS\s+)?(?!WHERE|JOIN|LEFT|ON|INDEXED|GROUP|ORDER|USING)(\w+)/gi)) aliases.set(m[2], m[1]);
  const sorted = plan.some((p) => p.detail.startsWith("USE TEMP B-TREE FOR ORDER BY"));
  // A sub-select may take the name of a table alias inside it ("(… FROM events e …) e"):
  // scanning the sub-select's rows (outside its own CO-ROUTINE/MATERIALIZE lines) reads no table.
  const derived = new Map(plan.flatMap((p) => (/^(CO-ROUTINE|MATERIALIZE) (\w+)$/.exec(p.detail) ? [[p.detail.split(" ")[1], p.id] as const] : [])));
  const parentOf = new Map(plan.map((p) => [p.id, p.parent]));
  const inside = (id: number, ancestor: number) => {
    for (let at = parentOf.get(id); at !== undefined && at !== 0; at = parentOf.get(at)) if (at === ancestor) return true;
    return false;
  };
  return plan
    .filter((p) => {
      const d = p.detail;
      const scan = d.match(/^SCAN (\w+)/);
      if (scan) return aliases.has(scan[1]) && !(derived.has(scan[1]) && !inside(p.id, derived.get(scan[1])!));
      const search = d.match(/^SEARCH (\w+) USING (COVERING )?INDEX \w+ \(funnel=\?\)$/);
      if (!search || !aliases.has(search[1])) return false;
      if (/\bINDEXED BY\b/i.test(r.sql) || WHOLE_HISTORY.has(r.read) || KNOWN.some((k) => k.test(r.sql))) return false;
      if (search[2] && /\b(min|max)\(/i.test(r.sql)) return false;
      // The walk may be a sub-select picking the rows whose columns are then read.
      if (NEWEST_FIRST.has(r.read) && /ORDER BY [\w.]+ DESC\b.*LIMIT (\?|\d+)\s*(\)|$)/is.test(r.sql) && !sorted) return false;
      return true;
    })
    .map((p) => p.detail);
}

const SCOPES: [string, Record<string, string>][] = [
  ["no filter", {}],
  ["?page=/pricing", { page: "/pricing" }],
  ["?device=mobile", { device: "mobile" }],
  ["?source=facebook", { source: "facebook" }],
];

for (const [label, query] of SCOPES) {
  test(`no read scans all of events or sessions (${label})`, async () => {
    const reader = openReaderConnection(store.path, { autocheckpoint: true });
    try {
      new Statistics(reader).refresh();
      const log: Recorded[] = [];
      let current = "";
      const rc = readContext(recording(reader, log, () => current));
      const scope: Scope = { funnelId, from: NOW - 30 * DAY_MS, to: NOW, filters: parseFilters(query) };
      const args = argsFor(scope);
      for (const name of Object.keys(READS) as (keyof ReadRegistry)[]) {
        current = name;
        await (READS[name] as (rc: unknown, a: unknown) => unknown)(rc, args[name]);
      }
      const reads = new Set(log.map((r) => r.read));
      // Every read ran SQL through the recording connection (nothing slipped past it).
      expect([...reads].sort()).toEqual(Object.keys(READS).sort());
      const problems = log
        .filter((r) => !/^\s*(PRAGMA|ANALYZE)/i.test(r.sql))
        .flatMap((r) => fullScans(reader, r).map((line) => `${r.read}: ${line}\n  ${r.sql.replace(/\s+/g, " ").slice(0, 300)}`));
      expect([...new Set(problems)]).toEqual([]);
    } finally {
      reader.close();
    }
  });
}

test("unfiltered visitor counts read the rollups' hourly visitor sets by key, never a distinct count over the visits", async () => {
  const reader = openReaderConnection(store.path, { autocheckpoint: true });
  try {
    new Statistics(reader).refresh();
    const log: Recorded[] = [];
    const rc = readContext(recording(reader, log, () => "overview"));
    const args = argsFor({ funnelId, from: NOW - 30 * DAY_MS, to: NOW, filters: [] });
    await READS["dashboard.overview"](rc, args["dashboard.overview"]);
    await READS["dashboard.chart"](rc, args["dashboard.chart"]);
    const sets = log.filter((r) => /FROM rollup_visitors/.test(r.sql));
    expect(sets.length).toBeGreaterThanOrEqual(3); // chart (with the range's total), the previous period, the chart again
    for (const r of sets) {
      const plan = (reader.query(`EXPLAIN QUERY PLAN ${r.sql}`).all(...(r.params as never[])) as { detail: string }[]).map((p) => p.detail);
      expect(plan).toEqual(["SEARCH rollup_visitors USING PRIMARY KEY (funnel_id=? AND hour>? AND hour<?)"]);
    }
    // (The "Right now" card counts its five minutes' visitors from events: not a range's visits.)
    expect(log.filter((r) => /count\(DISTINCT/i.test(r.sql) && /FROM sessions (s WHERE|INDEXED BY)/.test(r.sql)).map((r) => r.sql)).toEqual([]);
  } finally {
    reader.close();
  }
});

test("statistics: a long-lived connection measures what is missing and picks up what others measured", () => {
  const d = tempDir("aurea-stats-");
  const s = openStore(d);
  try {
    const reader = openReaderConnection(s.path, { autocheckpoint: true });
    const stats = new Statistics(reader);
    expect(stats.maybeRefresh()).toBe(true); // the first read
    expect(stats.maybeRefresh()).toBe(false); // nothing changed
    const f = createFunnel(s.db, { name: "Burst", url: "https://shop.example" }).funnel.id;
    seedDemo(s.sqlite, f, { events: 12_000, days: 10, now: NOW, seed: 3 });
    // Another connection wrote statistics (seed-demo analyses), and events grew: a burst.
    s.sqlite.exec("DELETE FROM sqlite_stat1 WHERE tbl = 'sessions'");
    expect(stats.maybeRefresh()).toBe(true);
    const measured = (reader.query("SELECT DISTINCT tbl FROM sqlite_stat1").all() as { tbl: string }[]).map((r) => r.tbl);
    expect(measured).toContain("events");
    expect(measured).toContain("sessions");
    reader.close();
  } finally {
    s.close();
    rmSync(d, { recursive: true, force: true });
  }
});
