// aurea seed-demo: realistic demo data straight into the tables, rollups built.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { stepsReport } from "../../src/analytics/steps-report";
import { openStore } from "../../src/db/open";
import { getSteps, parseSteps, saveSteps } from "../../src/funnels/steps-definition";
import { WIDE_CONTACT_VISITORS_SQL, WIDE_EVENTS_SQL, WIDE_SESSIONS_SQL } from "../../src/store/sqlite/layout";
import { runCli } from "../helpers/process";
import { tempDir } from "../helpers/server";

const dir = tempDir("aurea-seed-demo-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("--create makes a funnel full of varied, realistic traffic", async () => {
  const r = await runCli(["seed-demo", "--create", "--events", "4000", "--days", "10", "--json", "--data", dir]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.events).toBeGreaterThanOrEqual(4000);
  expect(out.publicKey).toStartWith("pk_");
  const store = openStore(dir);
  try {
    const q = <T>(sql: string) => store.sqlite.query(sql).all(out.funnelId) as T[];
    const one = (sql: string) => (store.sqlite.query(sql).get(out.funnelId) as { n: number }).n;
    expect(one(`SELECT count(*) AS n FROM (${WIDE_EVENTS_SQL}) WHERE funnel_id = ?`)).toBe(out.events);
    expect(one(`SELECT count(*) AS n FROM (${WIDE_SESSIONS_SQL}) WHERE funnel_id = ?`)).toBe(out.sessions);
    expect(one(`SELECT count(DISTINCT anonymous_id) AS n FROM (${WIDE_SESSIONS_SQL}) WHERE funnel_id = ?`)).toBeLessThan(out.sessions); // returning visitors
    expect(one(`SELECT count(DISTINCT channel) AS n FROM (${WIDE_SESSIONS_SQL}) WHERE funnel_id = ?`)).toBeGreaterThanOrEqual(6);
    expect(one(`SELECT count(DISTINCT utm_campaign) AS n FROM (${WIDE_SESSIONS_SQL}) WHERE funnel_id = ?`)).toBeGreaterThanOrEqual(3);
    expect(one(`SELECT count(DISTINCT device) AS n FROM (${WIDE_SESSIONS_SQL}) WHERE funnel_id = ?`)).toBe(3);
    expect(one(`SELECT count(DISTINCT country) AS n FROM (${WIDE_SESSIONS_SQL}) WHERE funnel_id = ?`)).toBeGreaterThanOrEqual(10);
    expect(one(`SELECT count(DISTINCT entry_path) AS n FROM (${WIDE_SESSIONS_SQL}) WHERE funnel_id = ?`)).toBeGreaterThanOrEqual(5);
    const names = q<{ name: string }>(`SELECT DISTINCT name FROM (${WIDE_EVENTS_SQL}) WHERE funnel_id = ?`).map((r) => r.name);
    for (const n of ["page_view", "checkout_initiated", "purchase", "faq_opened", "identify"]) expect(names).toContain(n);
    const paths = q<{ path: string }>(`SELECT DISTINCT path FROM (${WIDE_EVENTS_SQL}) WHERE funnel_id = ?`).map((r) => r.path);
    for (const p of ["/", "/pricing", "/checkout", "/thank-you"]) expect(paths).toContain(p);
    expect(paths.some((p) => p.startsWith("/blog/"))).toBe(true);
    const revenue = q<{ verified: number; n: number }>(`SELECT verified, count(*) AS n FROM (${WIDE_EVENTS_SQL}) WHERE funnel_id = ? AND revenue_minor > 0 GROUP BY verified`);
    expect(revenue).toHaveLength(2);
    expect(one("SELECT count(*) AS n FROM contacts WHERE funnel_id = ?")).toBe(out.contacts);
    expect(one(`SELECT count(*) AS n FROM (${WIDE_CONTACT_VISITORS_SQL}) WHERE funnel_id = ?`)).toBeGreaterThanOrEqual(out.contacts);
    // Identified visitors' earlier events were back-filled with their contact.
    expect(one("SELECT count(*) AS n FROM events e JOIN contact_visitors v ON v.visitor = e.visitor WHERE e.funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?) AND e.contact_id IS NULL")).toBe(0);
    // A step definition the demo traffic walks through, so the Steps tab has a report.
    expect(out.stepsAdded).toBe(true);
    const def = getSteps(store.db, out.funnelId)!;
    expect(def.steps.map((s) => s.name)).toEqual(["Pricing", "Checkout", "Checkout started", "Purchase"]);
    const now = Date.now();
    const report = await stepsReport(store.events.journeys, out.funnelId, def, { from: now - 11 * 86_400_000, to: now + 3_600_000, now });
    for (const s of report.steps) expect(s.visitors).toBeGreaterThan(0);
    expect(report.steps[3].visitors).toBeLessThan(report.steps[0].visitors);
    expect(one("SELECT count(*) AS n FROM rollup_built WHERE funnel_id = ?")).toBe(1);
    expect(one("SELECT count(*) AS n FROM rollup_hours WHERE funnel_id = ?")).toBeGreaterThan(0);
  } finally {
    store.close();
  }
});

test("--funnel adds to an existing funnel; bad flags say what is wrong", async () => {
  const made = JSON.parse((await runCli(["funnel", "create", "--name", "Mine", "--url", "https://mine.example", "--json", "--data", dir])).stdout);
  const mine = { window: "1d", order: "sequential", steps: [{ name: "Home", page: "/" }, { name: "Docs", page: "/docs" }] };
  const before = openStore(dir);
  const parsed = parseSteps(mine);
  if (!parsed.ok) throw new Error("test steps do not parse");
  saveSteps(before.db, made.id, parsed.value);
  before.close();
  const r = await runCli(["seed-demo", "--funnel", made.id, "--events", "500", "--days", "3", "--data", dir]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Seeded funnel ${made.id}`);
  expect(r.stdout).not.toContain("steps:");
  const after = openStore(dir);
  expect(getSteps(after.db, made.id)?.steps.map((s) => s.name)).toEqual(["Home", "Docs"]);
  after.close();
  for (const [args, message] of [
    [[], "give --funnel ID"],
    [["--funnel", "fn_nope"], "no funnel with id fn_nope"],
    [["--create", "--events", "0"], "--events"],
    [["--create", "--days", "0"], "--days"],
  ] as [string[], string][]) {
    const bad = await runCli(["seed-demo", ...args, "--data", dir]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr + bad.stdout).toContain(message);
  }
});
