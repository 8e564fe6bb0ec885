// Planner statistics are an optimisation: when measuring cannot write (a full disk, a
// read-only or busy database), the read that asked goes on with what it has.
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { join } from "node:path";
import { Statistics } from "../../src/store/sqlite/statistics";
import { tempDir } from "../helpers/server";

test("a refresh that cannot write does not fail the read, and is tried again later", () => {
  const path = join(tempDir(), "aurea.db");
  const rw = new Database(path, { create: true });
  rw.exec("CREATE TABLE events (row_id INTEGER PRIMARY KEY, name TEXT); CREATE INDEX events_name ON events (name)");
  rw.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO events (name) SELECT 'e' || i FROM n");
  rw.close();

  let now = 1_000_000;
  const stats = new Statistics(new Database(path, { readonly: true }), () => now);
  expect(stats.maybeRefresh()).toBe(false);
  // Not retried on every read…
  now += 1_000;
  expect(stats.maybeRefresh()).toBe(false);
  // …but again after a minute, still without throwing.
  now += 60_000;
  expect(() => stats.maybeRefresh()).not.toThrow();
});
