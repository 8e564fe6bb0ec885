// A page report superseded by the verified payment leaves the dashboard's rollups exact:
// yesterday's day is rebuilt, and its revenue is the verified amount alone.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rollupRevenue } from "../../src/store/sqlite/rollups/read";
import { Rollups } from "../../src/store/sqlite/rollups/refresh";
import { DAY_MS } from "../../src/analytics/timezone";
import { createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { order, record, visit } from "./payment-helpers";

let server: TestServer;
let funnel: TestFunnel;

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 0 });
  funnel = createTestFunnel(server);
});
afterAll(() => server.stop());

test("superseding a rolled-up page report rebuilds its day", async () => {
  const sqlite = server.ctx.store.sqlite;
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const noon = today - DAY_MS / 2;
  const v = await visit(server, funnel, "https://shop.example/?utm_source=newsletter", [
    { type: "conversion", name: "purchase", revenue: { amount: 49, currency: "USD" }, props: { order_id: "ord_roll" } },
  ], { ts: noon });
  const rollups = new Rollups(sqlite);
  const span = { from: today - DAY_MS, to: today };
  rollups.refresh(funnel.id, Date.now());
  expect(rollupRevenue(sqlite, funnel.id, "all", span).get("")).toEqual({ USD: { verified: 0, unverified: 4900 } });

  await record(server, funnel.id, [order({ orderId: "ord_roll", amountMinor: 5100, reference: v.reference, ts: noon + 60_000 })]);
  rollups.refresh(funnel.id, Date.now());
  expect(rollupRevenue(sqlite, funnel.id, "all", span).get("")).toEqual({ USD: { verified: 5100, unverified: 0 } });
  expect(rollupRevenue(sqlite, funnel.id, "source", span).get("newsletter")).toEqual({ USD: { verified: 5100, unverified: 0 } });
});
