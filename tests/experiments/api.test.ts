// /api/v1/funnels/:id/experiments through a real server: create (and its 4xx), list,
// read, stop; results on verified net revenue from provider payments and refunds,
// counted only at or after a visitor's first exposure; the SDK's experiments script.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { order, record, refund, visit } from "../payments/payment-helpers";

let server: TestServer;
let funnel: TestFunnel;

async function call(method: string, path: string, body?: unknown, key = funnel.secretKey) {
  const res = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/experiments${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

const exposure = (variant: string) => ({ type: "track", name: "$exposure", props: { experiment: "headline", variant } });

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 0 });
  funnel = createTestFunnel(server);
});
afterAll(() => server.stop());

describe("control plane", () => {
  test.each([
    [{ key: "headline", variants: "a:60,b:50", metric: "revenue" }, "invalid_variants", "sum to 110"],
    [{ key: "headline", variants: "a:100", metric: "revenue" }, "invalid_variants", "expected 2 to 4"],
    [{ key: "headline", variants: "a:50,b:50", metric: "clicks" }, "invalid_metric", "step:N"],
    [{ key: "headline", variants: "a:50,b:50", metric: "step:2" }, "invalid_metric", "no steps defined"],
    [{ key: "head line", variants: "a:50,b:50", metric: "revenue" }, "invalid_key", "letters"],
    [{ key: "headline", variants: "a:50,b:50", metric: "revenue", splitUrls: { c: "https://x.example" } }, "invalid_split_url", "not one of the variants"],
    [{ key: "headline", variants: "a:50,b:50", metric: "revenue", splitUrls: { b: "javascript:alert(1)" } }, "invalid_split_url", "http(s)"],
    ["not json", "invalid_json", "not valid JSON"],
  ])("POST %j → 400 %s", async (body, code, message) => {
    const r = await call("POST", "", body);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(code);
    expect(r.json.error.message).toContain(message);
  });

  test("the secret key is required", async () => {
    expect((await call("GET", "", undefined, funnel.publicKey)).status).toBe(401);
    expect((await call("GET", "", undefined, "")).json.error.code).toBe("missing_key");
  });

  test("create, read, list; a key is unique per funnel", async () => {
    const r = await call("POST", "", { key: "headline", variants: "a:50,b:50", metric: "revenue", secondaryMetrics: ["conversion:signup"] });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ key: "headline", status: "running", winner: null, metric: "revenue", secondaryMetrics: ["conversion:signup"], variants: [{ name: "a", weight: 50 }, { name: "b", weight: 50 }], minimumDetectableEffect: 0.1 });
    expect((await call("POST", "", { key: "headline", variants: "a:50,b:50", metric: "revenue" })).status).toBe(409);
    expect((await call("GET", "/headline")).json.key).toBe("headline");
    expect((await call("GET", "/nope")).status).toBe(404);
    expect((await call("GET", "")).json.experiments.map((e: any) => e.key)).toEqual(["headline"]);
  });

  test("the SDK's experiments script carries running experiments, cacheable for a minute", async () => {
    const res = await fetch(`${server.url}/api/sdk/${funnel.id}/experiments.js`);
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    expect(res.headers.get("content-type")).toContain("javascript");
    const js = await res.text();
    expect(js).toContain('"key":"headline"');
    expect(js).toContain("/sdk-experiments.js");
    const none = await (await fetch(`${server.url}/api/sdk/fn_unknown/experiments.js`)).text();
    expect(none).toContain("data-aurea-ready");
    expect(none).not.toContain("sdk-experiments");
    // Section views ride along in every funnel's script, with or without experiments.
    for (const body of [js, none]) expect(body).toContain('"section_view"');
    const chunk = await fetch(`${server.url}/sdk-experiments.js`);
    expect(chunk.status).toBe(200);
    expect(await chunk.text()).toContain("$exposure");
  });
});

describe("results", () => {
  test("verified net revenue per exposed visitor, counted from the first exposure", async () => {
    // a1 buys 49.00 and gets 10.00 back; a2 only looks; a3 bought before seeing the test.
    const a1 = await visit(server, funnel, "https://shop.example/", [exposure("a")]);
    await record(server, funnel.id, [order({ orderId: "pi_a1", amountMinor: 4900, reference: a1.reference })]);
    await record(server, funnel.id, [refund({ orderId: "pi_a1", refundId: "re_a1", amountMinor: 1000 })]);
    await visit(server, funnel, "https://shop.example/", [exposure("a")]);
    const a3 = await visit(server, funnel, "https://shop.example/");
    await record(server, funnel.id, [order({ orderId: "pi_a3", amountMinor: 50000, reference: a3.reference })]);
    await Bun.sleep(5);
    await visit(server, funnel, "https://shop.example/", [exposure("a")], { anonymousId: a3.anonymousId });
    // b1 buys 99.00; b2's page reports 30.00 (not verified); b3 signs up; b1 is exposed twice.
    const b1 = await visit(server, funnel, "https://shop.example/", [exposure("b")]);
    await record(server, funnel.id, [order({ orderId: "pi_b1", amountMinor: 9900, reference: b1.reference })]);
    await visit(server, funnel, "https://shop.example/", [exposure("b")], { anonymousId: b1.anonymousId });
    await visit(server, funnel, "https://shop.example/", [exposure("b"), { type: "conversion", name: "purchase", revenue: { amount: 30, currency: "USD" } }]);
    await visit(server, funnel, "https://shop.example/", [exposure("b"), { type: "conversion", name: "signup" }]);

    const r = await call("GET", "/headline/results");
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(["key", "status", "srm", "variants"]);
    expect(Object.keys(r.json.srm)).toEqual(["pValue", "alert"]);
    expect(r.json.srm.alert).toBe(false);
    const [a, b] = r.json.variants;
    expect(Object.keys(a)).toEqual(["name", "weight", "visitors", "conversions", "rate", "rateLow", "rateHigh", "revenuePerVisitor", "probabilityToBeatControl", "expectedLoss", "pValue"]);
    expect(a).toMatchObject({ name: "a", weight: 50, visitors: 3, conversions: 1, revenuePerVisitor: 13, probabilityToBeatControl: null, expectedLoss: null, pValue: null });
    expect(b).toMatchObject({ name: "b", weight: 50, visitors: 3, conversions: 1, revenuePerVisitor: 33 });
    expect(a.rate).toBeCloseTo(1 / 3, 10);
    expect(a.rateLow).toBeLessThan(a.rate);
    expect(a.rateHigh).toBeGreaterThan(a.rate);
    expect(b.probabilityToBeatControl).toBeGreaterThan(0.5);
    expect(b.expectedLoss).toBeGreaterThanOrEqual(0);
    expect(b.pValue).toBeGreaterThan(0);
  });

  test("stop with a winner: everyone gets it from the experiments script; stopping again differently is a 409", async () => {
    expect((await call("PATCH", "/headline", { status: "running" })).status).toBe(400);
    expect((await call("PATCH", "/headline", { status: "stopped", winner: "z" })).json.error.code).toBe("invalid_winner");
    const r = await call("PATCH", "/headline", { status: "stopped", winner: "b" });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "stopped", winner: "b" });
    expect(r.json.stoppedAt).toBeGreaterThan(0);
    expect((await call("PATCH", "/headline", { status: "stopped" })).status).toBe(409);
    const js = await (await fetch(`${server.url}/api/sdk/${funnel.id}/experiments.js`)).text();
    expect(js).toContain('"status":"stopped","winner":"b"');
    expect((await call("GET", "/headline/results")).json.status).toBe("stopped");
  });

  test("stopped without a winner: the script only marks the page ready", async () => {
    await call("POST", "", { key: "price", variants: "a:34,b:33,c:33", metric: "conversion:signup" });
    await call("PATCH", "/price", { status: "stopped" });
    const js = await (await fetch(`${server.url}/api/sdk/${funnel.id}/experiments.js`)).text();
    expect(js).not.toContain('"key":"price"');
  });
});
