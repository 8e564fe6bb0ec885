// Bytes per event, table by table and index by index (SQLite's dbstat), on the demo data:
// what a year of a busy funnel will cost on disk. Seeds DIR when it holds no database,
// builds the funnel report's journey copy (it counts: the report makes it on first
// read), checkpoints, then prints. Several directories are printed side by side
// (e.g. a copy of a database before and after a layout change).
//
//   bun scripts/bench-storage.ts --data DIR [--data DIR2 ...] [--events 1000000] [--days 90] [--seed 1] [--as-is]
//   bun scripts/bench-storage.ts --upgrade OLD --data FRESH
//
// --upgrade OLD: OLD holds a database an earlier release wrote (with its journey copy
// built by that release, e.g. by its own bench-storage.ts). It is measured as it is
// ("before"), copied to OLD-upgraded, upgraded there by opening it (the layout steps,
// timed) and measured again ("converted"); the --data columns follow, e.g. an empty
// directory that this release seeds in its own layout ("fresh").
import { Database } from "bun:sqlite";
import { cpSync, existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { JourneysRollup } from "../src/store/sqlite/rollups/journeys-rollup";
import { DAY_MS } from "../src/analytics/timezone";
import { openStore } from "../src/db/open";
import { seedDemo } from "../src/store/sqlite/demo-seed";
import { createFunnel } from "../src/funnels/store";
import { machineLine } from "./bench-lib";

const { values } = parseArgs({
  options: {
    data: { type: "string", multiple: true }, upgrade: { type: "string" }, "as-is": { type: "boolean" },
    events: { type: "string" }, days: { type: "string" }, seed: { type: "string" },
  },
});
const dirs = values.data ?? [];
if (!dirs.length && !values.upgrade) {
  console.error("usage: bun scripts/bench-storage.ts [--upgrade OLD_DIR] --data DIR [--data DIR2 ...] [--events N] [--days D] [--seed S] [--as-is]");
  process.exit(2);
}

interface Layout {
  dir: string;
  label: string;
  events: number;
  fileBytes: number;
  freeBytes: number;
  /** Bytes per object, and the table each index belongs to. */
  objects: { name: string; table: string; index: boolean; bytes: number }[];
}

/** Seeds DIR when it holds no database (returns true then), and builds the journey copy. */
function prepare(dir: string): boolean {
  const empty = !existsSync(join(dir, "aurea.db"));
  const store = openStore(dir);
  try {
    if (empty) {
      const events = Number(values.events ?? 1_000_000);
      const days = Number(values.days ?? 90);
      const funnelId = createFunnel(store.db, { name: "Bench demo", url: "https://demo.aurea.dev" }).funnel.id;
      const t = performance.now();
      seedDemo(store.sqlite, funnelId, { events, days, now: Date.now(), seed: Number(values.seed ?? 1) });
      console.log(`seeded ${dir}: ${events.toLocaleString("en-US")} events over ${days} days in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    }
    const journeys = new JourneysRollup(store.sqlite);
    const today = Date.now() - (Date.now() % DAY_MS);
    for (const { id } of store.sqlite.query<{ id: string }, []>("SELECT id FROM funnels").all()) journeys.refresh(id, 0, today);
  } finally {
    store.close();
  }
  return empty;
}

/** Copies an old database and upgrades the copy the way a start does; returns the copy. */
function upgrade(dir: string): string {
  const copy = `${dir.replace(/\/+$/, "")}-upgraded`;
  rmSync(copy, { recursive: true, force: true });
  cpSync(dir, copy, { recursive: true, filter: (src) => !src.includes("/backups") });
  const t = performance.now();
  openStore(copy).close();
  console.log(`upgraded a copy of ${dir} in ${copy}: ${((performance.now() - t) / 1000).toFixed(1)} s (backup, conversion, VACUUM)`);
  return copy;
}

function measure(dir: string, label = ""): Layout {
  const path = join(dir, "aurea.db");
  const sqlite = new Database(path);
  try {
    sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const events = sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM events").get()!.n;
    const pageSize = sqlite.query<{ page_size: number }, []>("PRAGMA page_size").get()!.page_size;
    const free = sqlite.query<{ freelist_count: number }, []>("PRAGMA freelist_count").get()!.freelist_count;
    const owners = new Map(
      sqlite.query<{ name: string; tbl_name: string; type: string }, []>("SELECT name, tbl_name, type FROM sqlite_schema WHERE type IN ('table', 'index')").all().map((r) => [r.name, r]),
    );
    const objects = sqlite
      .query<{ name: string; bytes: number }, []>("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name")
      .all()
      .map((r) => {
        const o = owners.get(r.name);
        // WITHOUT ROWID tables are their own primary-key index: count them as tables.
        const index = o?.type === "index";
        return { name: r.name, table: o?.tbl_name ?? r.name, index, bytes: r.bytes };
      });
    return { dir, label, events, fileBytes: statSync(path).size, freeBytes: free * pageSize, objects };
  } finally {
    sqlite.close();
  }
}

/** NaN: the object is not in that layout. */
const fmt = (bytes: number, events: number) => (events && !Number.isNaN(bytes) ? (bytes / events).toFixed(1) : "-");
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

function print(layouts: Layout[]): void {
  console.log(`machine: ${machineLine()}`);
  layouts.forEach((l, i) => console.log(`[${i + 1}]${l.label ? ` ${l.label}` : ""} ${l.dir}: ${l.events.toLocaleString("en-US")} events, aurea.db ${mb(l.fileBytes)} MB (${mb(l.freeBytes)} MB free pages)`));
  const tables = new Map<string, number>();
  for (const l of layouts) for (const o of l.objects) if (!o.index) tables.set(o.table, Math.max(tables.get(o.table) ?? 0, o.bytes));
  const order = [...tables.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
  const head = ["bytes/event", ...layouts.map((_, i) => `  [${i + 1}]`.padStart(10))].join("");
  console.log(`\n${"object".padEnd(44)}${head}`);
  const row = (label: string, pick: (l: Layout) => number) =>
    console.log(label.padEnd(55) + layouts.map((l) => fmt(pick(l), l.events).padStart(10)).join(""));
  const sumOf = (table: string) => (l: Layout) => {
    const of = l.objects.filter((o) => o.table === table);
    return of.length ? of.reduce((s, o) => s + o.bytes, 0) : NaN;
  };
  // Under 1 byte per event in every layout: one line for all of them.
  const small = order.filter((t) => layouts.every((l) => !(sumOf(t)(l) >= l.events)));
  for (const table of order) {
    const sum = sumOf(table);
    if (small.includes(table)) continue;
    row(`${table} (all)`, sum);
    row(`  table`, (l) => (Number.isNaN(sum(l)) ? NaN : l.objects.filter((o) => o.table === table && !o.index).reduce((s, o) => s + o.bytes, 0)));
    const names = [...new Set(layouts.flatMap((l) => l.objects.filter((o) => o.table === table && o.index).map((o) => o.name)))];
    for (const name of names) row(`  ${name}`, (l) => l.objects.find((o) => o.name === name)?.bytes ?? NaN);
  }
  row(`${small.length} other tables (under 1 B/event each)`, (l) => small.reduce((s, t) => s + (sumOf(t)(l) || 0), 0));
  row("free pages", (l) => l.freeBytes);
  row("TOTAL (aurea.db file)", (l) => l.fileBytes);
  // The issue's yardstick: a busy funnel's year.
  console.log(`${"a year of 10M events at this rate (GB)".padEnd(55)}${layouts.map((l) => (l.events ? ((l.fileBytes / l.events) * 1e7) / 1e9 : 0).toFixed(1).padStart(10)).join("")}`);
}

const layouts: Layout[] = [];
if (values.upgrade) {
  const before = measure(values.upgrade, "before");
  const after = upgrade(values.upgrade);
  // The converted journey copy is complete; refreshing finds nothing to do (or the days the old one lacked).
  prepare(after);
  layouts.push(before, measure(after, "converted"));
}
// --as-is: measure the directories as they are (no seeding, no journey copy).
const fresh = new Set(values["as-is"] ? [] : dirs.filter((dir) => prepare(dir)));
layouts.push(...dirs.map((d) => measure(d, fresh.has(d) ? "fresh" : "")));
print(layouts);
