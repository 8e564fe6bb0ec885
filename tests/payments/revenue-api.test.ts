// GET /api/v1/funnels/:id/revenue: totals, breakdowns under both models, test mode, currencies.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { summarize } from "../../src/analytics/revenue-report";
import { apiGet, createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { order, record, refund, visit } from "./payment-helpers";

let server: TestServer;
let funnel: TestFunnel;
const DAY = 86_400_000;
const get = (q: string) => apiGet(server, `/api/v1/funnels/${funnel.id}/revenue?${q}`, funnel.secretKey);

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 0 });
  funnel = createTestFunnel(server);
  // Visitor A: found the shop through the blog ten days ago, came back from the newsletter and bought.
  const first = await visit(server, funnel, "https://shop.example/blog/post?utm_source=blog", [], { ts: Date.now() - 10 * DAY });
  const a = await visit(server, funnel, "https://shop.example/pricing?utm_source=newsletter&utm_campaign=may", [], { anonymousId: first.anonymousId });
  await record(server, funnel.id, [order({ orderId: "pi_a", amountMinor: 10000, reference: a.reference })]);
  await record(server, funnel.id, [refund({ orderId: "pi_a", refundId: "re_a", amountMinor: 2500 })]);
  // Visitor B: the page reports a purchase (unverified) and pays in EUR through a provider.
  await visit(server, funnel, "https://shop.example/?utm_source=newsletter", [{ type: "conversion", name: "purchase", revenue: { amount: 30, currency: "USD" } }]);
  const b = await visit(server, funnel, "https://shop.example/?utm_source=newsletter");
  await record(server, funnel.id, [order({ orderId: "pi_eur", amountMinor: 5000, currency: "EUR", reference: b.reference })]);
  // No visit at all, and a test payment.
  await record(server, funnel.id, [order({ orderId: "pi_none", amountMinor: 2000 })]);
  await record(server, funnel.id, [order({ orderId: "pi_test", amountMinor: 999, reference: a.reference, test: true })]);
});
afterAll(() => server.stop());

describe("revenue API", () => {
  test("last touch by source: the visit that bought; no visit under null; others apart", async () => {
    const r = await get("breakdown=utm_source");
    expect(Object.keys(r).sort()).toEqual(["currency", "gross", "net", "orders", "otherCurrencies", "refunded", "rows", "verifiedNet"]);
    expect(r).toMatchObject({ currency: "USD", gross: 15000, refunded: 2500, net: 12500, verifiedNet: 9500, orders: 3 });
    expect(r.rows).toEqual([
      { value: "newsletter", orders: 2, gross: 13000, refunded: 2500, net: 10500, verifiedNet: 7500 },
      { value: null, orders: 1, gross: 2000, refunded: 0, net: 2000, verifiedNet: 2000 },
    ]);
    expect(r.otherCurrencies).toEqual({ EUR: { gross: 5000, refunded: 0, net: 5000, verifiedNet: 5000, orders: 1 } });
  });

  test("first touch: the visitor's first visit, days before", async () => {
    const r = await get("breakdown=utm_source&model=first_touch");
    expect(r.rows).toEqual([
      { value: "blog", orders: 1, gross: 10000, refunded: 2500, net: 7500, verifiedNet: 7500 },
      { value: null, orders: 1, gross: 2000, refunded: 0, net: 2000, verifiedNet: 2000 },
      { value: "newsletter", orders: 1, gross: 3000, refunded: 0, net: 3000, verifiedNet: 0 },
    ]);
    const landing = await get("breakdown=landing_page&model=first_touch");
    expect(landing.rows.find((x: any) => x.value === "/blog/post")).toMatchObject({ gross: 10000 });
    const campaign = await get("breakdown=utm_campaign");
    expect(campaign.rows.find((x: any) => x.value === "may")).toMatchObject({ gross: 10000, net: 7500 });
    const channel = await get("");
    expect(channel.rows.map((x: any) => x.value)).toContain(null);
  });

  test("test payments only when asked for", async () => {
    expect(await get("includeTest=true")).toMatchObject({ gross: 15999, orders: 4 });
  });

  test("the range counts orders by day of purchase", async () => {
    const day = new Date(Date.now() - 20 * DAY).toISOString().slice(0, 10);
    expect(await get(`from=${day}&to=${day}`)).toMatchObject({ gross: 0, orders: 0, rows: [] });
  });

  test("bad queries: a 400 that says which", async () => {
    const res = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/revenue?model=linear`, { headers: { authorization: `Bearer ${funnel.secretKey}` } });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "invalid_query", message: expect.stringContaining("model") });
    const noKey = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/revenue`);
    expect(noKey.status).toBe(401);
  });

  test("summarize never sums currencies and never goes negative", () => {
    const r = summarize("JPY", [
      { currency: "JPY", verified: 1, gross: 5000, refunded: 6000, value: "x" },
      { currency: "KWD", verified: 0, gross: 1234, refunded: 0, value: "x" },
    ]);
    expect(r).toMatchObject({ currency: "JPY", gross: 5000, refunded: 5000, net: 0, orders: 1, otherCurrencies: { KWD: { gross: 1234, verifiedNet: 0 } } });
  });
});
