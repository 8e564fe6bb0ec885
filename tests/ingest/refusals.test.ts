// The install diagnostics log: which refusals it keeps, merged and bounded.
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { errorOfStatus } from "../../src/http/errors";
import { REFUSAL_FUNNELS, REFUSALS_PER_FUNNEL, RefusalLog } from "../../src/ingest/refusals";

function setup(funnels: string[]) {
  const sqlite = new Database(":memory:");
  sqlite.run("CREATE TABLE funnels (id TEXT PRIMARY KEY)");
  for (const id of funnels) sqlite.run("INSERT INTO funnels VALUES (?)", [id]);
  let t = 1_000;
  const log = new RefusalLog(sqlite, () => t++);
  return { log, sqlite };
}

test.each([
  [errorOfStatus(401, "invalid_key", "the public key is not valid"), "wrong_key", "the public key is not valid"],
  [errorOfStatus(401, "missing_key", "no key"), "wrong_key", "no key"],
  [errorOfStatus(403, "origin_not_allowed", "origin x is not allowed"), "origin_not_allowed", "origin x is not allowed"],
  [errorOfStatus(429, "rate_limited", "too many"), "rate_limited", "too many"],
  [errorOfStatus(400, "no_valid_events", "no event is valid", { details: [{ index: 0, errors: [{ path: "events[0].id", message: "Required" }] }] }), "invalid_event", "events[0].id: Required"],
  [errorOfStatus(400, "invalid_json", "the body is not JSON"), "invalid_request", "the body is not JSON"],
] as const)("%p is kept as %p", (error, reason, message) => {
  const { log } = setup(["fn_a"]);
  log.refused("fn_a", error, "http://localhost:5173");
  expect(log.recent("fn_a")).toMatchObject([{ reason, message, origin: "http://localhost:5173", count: 1 }]);
});

test("server faults, unknown funnels and requests without a funnel id are not kept", () => {
  const { log } = setup(["fn_a"]);
  log.refused("fn_a", errorOfStatus(503, "queue_full", "behind"), null);
  log.refused("fn_nope", errorOfStatus(401, "invalid_key", "x"), null);
  log.refused(undefined, errorOfStatus(400, "invalid_json", "x"), null);
  expect(log.recent("fn_a")).toEqual([]);
  expect(log.recent("fn_nope")).toEqual([]);
});

test("the same refusal again is counted, not repeated; rejected events in an accepted batch are kept too", () => {
  const { log } = setup(["fn_a"]);
  for (let i = 0; i < 5; i++) log.refused("fn_a", errorOfStatus(403, "origin_not_allowed", "o"), "http://a.example");
  log.rejected("fn_a", [{ errors: [{ path: "events[2].revenue.amount", message: "expected number" }] }], "https://shop.example");
  log.rejected("fn_a", [], "https://shop.example");
  const [latest, origin] = log.recent("fn_a");
  expect(latest).toMatchObject({ reason: "invalid_event", message: "events[2].revenue.amount: expected number", count: 1 });
  expect(origin).toMatchObject({ reason: "origin_not_allowed", count: 5 });
  expect(origin.lastAt).toBeGreaterThan(origin.firstAt);
});

test("bounded: a few distinct refusals per funnel (the oldest goes), a bounded number of funnels", () => {
  const ids = Array.from({ length: REFUSAL_FUNNELS + 5 }, (_, i) => `fn_${i}`);
  const { log } = setup(ids);
  for (let i = 0; i < REFUSALS_PER_FUNNEL + 3; i++) log.refused("fn_0", errorOfStatus(403, "origin_not_allowed", `o${i}`), `http://o${i}.example`);
  const kept = log.recent("fn_0");
  expect(kept).toHaveLength(REFUSALS_PER_FUNNEL);
  expect(kept[0].message).toBe(`o${REFUSALS_PER_FUNNEL + 2}`);
  expect(kept.map((r) => r.message)).not.toContain("o0");
  for (const id of ids.slice(1)) log.refused(id, errorOfStatus(401, "invalid_key", "k"), null);
  expect(log.recent("fn_0")).toEqual([]);
  expect(log.recent(ids.at(-1)!)).toHaveLength(1);
});

test("forget drops what a change has fixed", () => {
  const { log } = setup(["fn_a"]);
  log.refused("fn_a", errorOfStatus(403, "origin_not_allowed", "o"), "http://a.example");
  log.refused("fn_a", errorOfStatus(401, "invalid_key", "k"), "http://a.example");
  log.forget("fn_a", (r) => r.code === "origin_not_allowed" && r.origin === "http://a.example");
  expect(log.recent("fn_a").map((r) => r.code)).toEqual(["invalid_key"]);
});
