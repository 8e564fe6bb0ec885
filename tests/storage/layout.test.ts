// The layout runner's rules for steps that fail: an optional one (a compaction) leaves
// the database as it was, says so and is retried at the next open; a required one
// stops the open. Both on a real database file.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openStore } from "../../src/db/open";
import { migrateLayout } from "../../src/db/layout/run";
import type { LayoutStep } from "../../src/db/layout/steps";
import { tempDir } from "../helpers/server";

const dir = tempDir("aurea-layout-");
const store = openStore(dir);
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function step(id: string, required: boolean, run: LayoutStep["run"]): LayoutStep {
  return { id, describe: `test step ${id}`, required, needed: () => true, run };
}

test("an optional step that fails is logged, stays pending and runs at the next open", () => {
  const logs: string[] = [];
  let fail = true;
  const compact = step("compact", false, (db) => {
    if (fail) throw new Error("database is locked");
    db.exec("CREATE TABLE compacted (x)");
    return true;
  });
  let backups = 0;
  const backup = () => `backup-${++backups}`;
  expect(migrateLayout(store.sqlite, { log: (l) => logs.push(l), backup, steps: [compact] })).toEqual([]);
  expect(logs.join("\n")).toContain("compact failed (database is locked); the current layout keeps working, retried at the next start");
  expect(store.sqlite.query("SELECT done_at FROM storage_layout WHERE step = 'compact'").get()).toEqual({ done_at: null });

  fail = false;
  expect(migrateLayout(store.sqlite, { log: (l) => logs.push(l), backup, steps: [compact] })).toEqual(["compact"]);
  expect(logs.join("\n")).toContain("test step compact (resuming)");
  // One backup, before the first attempt.
  expect(backups).toBe(1);
  expect(migrateLayout(store.sqlite, { log: (l) => logs.push(l), backup, steps: [compact] })).toEqual([]);
});

test("a required step that fails stops the open", () => {
  const broken = step("rewrite", true, () => {
    throw new Error("disk I/O error");
  });
  expect(() => migrateLayout(store.sqlite, { log: () => {}, backup: () => null, steps: [broken] })).toThrow("disk I/O error");
});
