// The pages panel's live query (today, ragged range edges, filters) reads each visit's own
// events: on a database without statistics SQLite would otherwise seek the funnel's page
// views by (funnel, kind) once per visit — seconds for a day of traffic.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { type Param, sessionWhere } from "../../src/store/sqlite/dashboard/scope-sql";
import { eventDimCondition, SESSION_EVENTS_JOIN } from "../../src/store/sqlite/dashboard/live-sql";
import { openStore } from "../../src/db/open";
import { tempDir } from "../helpers/server";

const dir = tempDir("aurea-live-plan-");
const store = openStore(dir);
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test.each(["page", "event"] as const)("%s groups walk the visit's events by (funnel, session)", (dim) => {
  const where = sessionWhere({ funnelId: "fn_x", key: 1, from: 0, to: 3_600_000, filters: [] });
  const plan = store.sqlite
    .query<{ detail: string }, Param[]>(
      `EXPLAIN QUERY PLAN SELECT e.path FROM ${SESSION_EVENTS_JOIN} WHERE ${where.sql} AND ${eventDimCondition(dim)}`,
    )
    .all(...where.params)
    .map((r) => r.detail);
  expect(plan.find((d) => d.includes(" e "))).toMatch(/^SEARCH e USING (COVERING )?INDEX events_funnel_session \(funnel=\? AND session=\?/);
});
