// Upgrading databases written by earlier releases (tests/fixtures/upgrade-before-*,
// made by scripts/make-upgrade-fixture.ts with that release's code): a start migrates
// them, after one backup, into the compact layout, keeps every value of every row, and
// the read API answers exactly what that release answered. A conversion killed in the
// middle resumes and ends with the same data; a new database has nothing to convert.
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "../../src/db/open";
import { startTestServer, tempDir } from "../helpers/server";
import { compactRows, legacyRows } from "./decoded-rows";
import { readAnswersLike, type FixtureFunnel } from "./upgrade-reads";

interface Fixture {
  name: string;
  dir: string;
  now: number;
  funnels: FixtureFunnel[];
  answers: Record<string, unknown>;
}

/** Written by main at c4c2f07 (text ids, no storage_layout) and at f9d04d5 (the last release before the compact layout). */
const FIXTURES: Fixture[] = await Promise.all(
  ["upgrade-before-storage", "upgrade-before-compact"].map(async (name) => {
    const dir = join(import.meta.dir, "../fixtures", name);
    return { name, dir, ...((await Bun.file(join(dir, "fixture.json")).json()) as Omit<Fixture, "name" | "dir">) };
  }),
);
const LEGACY = ["legacy_events", "legacy_sessions", "legacy_journey_events", "legacy_contact_visitors"];
const STEPS = ["backup", "compact-layout", "compact-layout-vacuum", "event-ids-16-bytes", "incremental-auto-vacuum"];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function copyOf(f: Fixture): string {
  const dir = tempDir("aurea-upgrade-");
  dirs.push(dir);
  for (const file of ["aurea.db", "queue.db"]) cpSync(join(f.dir, file), join(dir, file));
  return dir;
}

function fixtureRows(f: Fixture) {
  const db = new Database(join(f.dir, "aurea.db"), { readonly: true });
  try {
    return { rows: legacyRows(db), sequence: (db.query("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get() as { seq: number }).seq };
  } finally {
    db.close();
  }
}

function expectConverted(sqlite: Database, f: Fixture): void {
  const steps = sqlite.query<{ step: string; done: number }, []>("SELECT step, done_at IS NOT NULL AS done FROM storage_layout ORDER BY step").all();
  expect(steps).toEqual(STEPS.map((step) => ({ step, done: 1 })));
  expect(sqlite.query(`SELECT name FROM sqlite_schema WHERE name IN (${LEGACY.map((t) => `'${t}'`).join(", ")})`).all()).toEqual([]);
  expect(sqlite.query("PRAGMA auto_vacuum").get()).toEqual({ auto_vacuum: 2 });
  // The events' indexes, dropped for the copy, are back as the migration made them.
  expect(sqlite.query("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' ORDER BY name").all()).toEqual(
    ["events_funnel_id", "events_funnel_kind", "events_funnel_order", "events_funnel_revenue", "events_funnel_session", "events_funnel_ts"].map((name) => ({ name })),
  );
  const { rows, sequence } = fixtureRows(f);
  const converted = compactRows(sqlite);
  for (const table of ["events", "sessions", "journey", "contactVisitors"] as const) {
    expect(converted[table].length).toBe(rows[table].length);
    expect({ table, rows: converted[table] }).toEqual({ table, rows: rows[table] });
  }
  // Row ids are never reused: the sequence goes on from the old table's.
  expect(sqlite.query("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get()).toEqual({ seq: sequence });
}

for (const f of FIXTURES) {
  test(`${f.name}: converted at start into the compact layout, every value of every row kept, one backup of the old layout`, () => {
    const dir = copyOf(f);
    // An earlier start killed while copying its backup left this behind (no manifest).
    const unfinished = join(dir, "backups", "aurea-20261101T000000Z-before-0011_funnel_members");
    mkdirSync(unfinished, { recursive: true });
    cpSync(join(f.dir, "queue.db"), join(unfinished, "queue.db"));

    const store = openStore(dir);
    try {
      expectConverted(store.sqlite, f);
    } finally {
      store.close();
    }
    expect(existsSync(unfinished)).toBe(false);
    const backups = readdirSync(join(dir, "backups"));
    expect(backups.length).toBe(1);
    const saved = new Database(join(dir, "backups", backups[0], "aurea.db"), { readonly: true });
    // The backup holds the old layout, as the older release can read it.
    expect(saved.query("SELECT count(*) AS n FROM pragma_table_info('events') WHERE name = 'funnel_id'").get()).toEqual({ n: 1 });
    saved.close();

    // A second start has nothing left to do: no new backup.
    openStore(dir).close();
    expect(readdirSync(join(dir, "backups")).length).toBe(1);
  }, 120_000);

  test(`${f.name}: after the upgrade the read API answers exactly what the release that wrote it answered`, async () => {
    const dir = copyOf(f);
    const server = await startTestServer({ dataDir: dir, now: () => f.now });
    try {
      const answers = await readAnswersLike(server.url, f.answers, f.funnels);
      for (const [path, answer] of Object.entries(f.answers)) expect({ path, answer: answers[path] }).toEqual({ path, answer });
    } finally {
      await server.stop();
    }
  }, 120_000);
}

test("a conversion killed (SIGKILL) in the middle of any phase resumes after its last committed range and ends with the same data", () => {
  const f = FIXTURES[1];
  const dir = copyOf(f);
  const child = (crashAfter: number) =>
    Bun.spawnSync(["bun", join(import.meta.dir, "layout-child.ts"), dir], { env: { ...process.env, CRASH_AFTER: String(crashAfter) }, stdout: "pipe", stderr: "pipe" });
  const db = new Database(join(dir, "aurea.db"));
  const state = () => {
    const row = db.query<{ state: string; doneAt: number | null }, []>("SELECT state, done_at AS doneAt FROM storage_layout WHERE step = 'compact-layout'").get()!;
    return { phase: (JSON.parse(row.state) as { phase: string }).phase, doneAt: row.doneAt };
  };
  // Ranges of 300 rows, one journey day each: the 3rd lands in the visits, 10 more in
  // the events, 14 more in the journey copy (33 in all, phase ends counted).
  const phases: string[] = [];
  for (const [i, n] of [3, 10, 14].entries()) {
    const run = child(n);
    expect({ signal: run.signalCode, stderr: run.stderr.toString() }).toEqual({ signal: "SIGKILL", stderr: "" });
    phases.push(state().phase);
    expect(state().doneAt).toBeNull();
    // Progress as it goes (printed here whatever the file's size), and the runs after the first say they resume.
    const out = run.stdout.toString();
    expect(out).toMatch(/compact-layout \d+% \([\d,]+ of [\d,]+\)/);
    expect(out.includes("(resuming)")).toBe(i > 0);
  }
  expect(phases).toEqual(["sessions", "events", "journey"]);
  db.close();

  // The next start resumes with the step as it ships and finishes.
  const store = openStore(dir);
  try {
    expectConverted(store.sqlite, f);
  } finally {
    store.close();
  }
}, 120_000);

test("a new database has nothing to convert: no legacy tables, no backup, the steps noted as done", () => {
  const dir = tempDir("aurea-new-layout-");
  dirs.push(dir);
  const store = openStore(dir);
  try {
    expect(store.sqlite.query(`SELECT name FROM sqlite_schema WHERE name IN (${LEGACY.map((t) => `'${t}'`).join(", ")})`).all()).toEqual([]);
    const steps = store.sqlite.query<{ step: string; done: number }, []>("SELECT step, done_at IS NOT NULL AS done FROM storage_layout ORDER BY step").all();
    expect(steps).toEqual(STEPS.filter((s) => s !== "backup").map((step) => ({ step, done: 1 })));
    expect(store.sqlite.query("SELECT count(*) AS n FROM events").get()).toEqual({ n: 0 });
  } finally {
    store.close();
  }
  expect(existsSync(join(dir, "backups"))).toBe(false);
});
