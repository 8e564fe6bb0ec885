// Upgrading a database written by the previous release (tests/fixtures/upgrade-before-storage,
// made by main at c4c2f07): a server started on it migrates it at start, after a backup,
// and the read API answers exactly what that release answered. And a layout step killed
// in the middle resumes where its last committed chunk left it.
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "../../src/db/open";
import { startTestServer, tempDir } from "../helpers/server";
import { readAnswers, type FixtureFunnel } from "./upgrade-reads";

const FIXTURE = join(import.meta.dir, "../fixtures/upgrade-before-storage");
const fixture = (await Bun.file(join(FIXTURE, "fixture.json")).json()) as { now: number; funnels: FixtureFunnel[]; answers: Record<string, unknown> };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function copyOfFixture(): string {
  const dir = tempDir("aurea-upgrade-");
  dirs.push(dir);
  for (const f of ["aurea.db", "queue.db"]) cpSync(join(FIXTURE, f), join(dir, f));
  return dir;
}

test("the previous release's database is upgraded at start, backed up first, and reads the same", async () => {
  const dir = copyOfFixture();
  // An earlier start killed while copying its backup left this behind (no manifest).
  const unfinished = join(dir, "backups", "aurea-20261101T000000Z-before-0011_funnel_members");
  mkdirSync(unfinished, { recursive: true });
  cpSync(join(FIXTURE, "queue.db"), join(unfinished, "queue.db"));
  const before = new Database(join(dir, "aurea.db"), { readonly: true });
  expect(before.query("PRAGMA auto_vacuum").get()).toEqual({ auto_vacuum: 0 });
  before.close();

  const server = await startTestServer({ dataDir: dir, now: () => fixture.now });
  try {
    const sqlite = server.ctx.store.sqlite;
    expect(sqlite.query("PRAGMA auto_vacuum").get()).toEqual({ auto_vacuum: 2 });
    const steps = sqlite.query("SELECT step, done_at IS NOT NULL AS done FROM storage_layout ORDER BY step").all();
    expect(steps).toEqual([{ step: "backup", done: 1 }, { step: "event-ids-16-bytes", done: 1 }, { step: "incremental-auto-vacuum", done: 1 }]);
    // Every UUID id is 16 bytes now; payment ids ("pay:stripe:…") stay text.
    const ids = sqlite.query("SELECT typeof(id) AS kind, count(*) AS n, min(length(id)) AS shortest FROM events GROUP BY 1 ORDER BY 1").all();
    expect(ids).toEqual([{ kind: "blob", n: expect.any(Number), shortest: 16 }, { kind: "text", n: 1, shortest: "pay:stripe:pi_fixture_1".length }]);
    const rollups = sqlite.query("SELECT name FROM sqlite_schema WHERE name IN ('rollup_hours', 'rollup_revenue') AND sql LIKE '%WITHOUT ROWID%' ORDER BY name").all();
    expect(rollups).toEqual([{ name: "rollup_hours" }, { name: "rollup_revenue" }]);

    // Everything the old release answered, answered the same.
    const answers = await readAnswers(server.url, fixture.now, fixture.funnels);
    expect(Object.keys(answers).length).toBe(Object.keys(fixture.answers).length);
    for (const [path, answer] of Object.entries(fixture.answers)) expect({ path, answer: answers[path] }).toEqual({ path, answer });
  } finally {
    await server.stop();
  }
  // One backup, of the data as the old release left it; the unfinished one is gone.
  expect(existsSync(unfinished)).toBe(false);
  const backups = readdirSync(join(dir, "backups"));
  expect(backups.length).toBe(1);
  const saved = new Database(join(dir, "backups", backups[0], "aurea.db"), { readonly: true });
  expect(saved.query("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'storage_layout'").get()).toEqual({ n: 0 });
  saved.close();

  // A second start has nothing left to do: no new backup.
  openStore(dir).close();
  expect(readdirSync(join(dir, "backups")).length).toBe(1);
}, 120_000);

test("a layout step killed in the middle resumes after its last committed chunk and finishes exactly", () => {
  const dir = copyOfFixture();
  openStore(dir).close(); // the current schema, with storage_layout
  const run = (env: Record<string, string>) =>
    Bun.spawnSync(["bun", join(import.meta.dir, "layout-child.ts"), dir], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });

  const crashed = run({ CRASH_AFTER: "3" });
  expect(crashed.signalCode).toBe("SIGKILL");
  const db = new Database(join(dir, "aurea.db"));
  const row = () => db.query("SELECT state, done_at AS doneAt FROM storage_layout WHERE step = 'test-copy-event-ids'").get() as { state: string; doneAt: number | null };
  expect(row()).toEqual({ state: "1500", doneAt: null });
  expect(db.query("SELECT count(*) AS n, max(row_id) AS last FROM copied_ids").get()).toEqual({ n: 1500, last: 1500 });

  const resumed = run({});
  expect(resumed.exitCode).toBe(0);
  const out = resumed.stdout.toString();
  expect(out).toContain("copying event ids (test step) (resuming)");
  expect(out).toMatch(/test-copy-event-ids 100% \([\d,]+ of [\d,]+\)/);
  expect(row().doneAt).not.toBeNull();
  // Every event exactly once: nothing lost at the crash, nothing copied twice.
  const copied = db.query("SELECT count(*) AS n, sum(row_id) AS s FROM copied_ids c JOIN events e USING (row_id) WHERE c.id = e.id").get();
  expect(copied).toEqual(db.query("SELECT count(*) AS n, sum(row_id) AS s FROM events").get() as object);
  db.close();
}, 120_000);
