// GET/PUT /api/v1/funnels/:id/steps and the report API, through a real server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

let server: TestServer;
let funnel: TestFunnel;
let other: TestFunnel;

beforeAll(async () => {
  server = await startTestServer();
  funnel = createTestFunnel(server);
  other = createTestFunnel(server, { name: "Other" });
});
afterAll(() => server.stop());

const STEPS = {
  window: "7d",
  order: "sequential",
  steps: [
    { name: "Landing", page: "/" },
    { name: "Pricing", page: "/pricing*" },
    { name: "Checkout", event: "checkout_initiated" },
    { name: "Purchase", event: "purchase", where: { plan: "pro" } },
  ],
};

async function call(method: string, path: string, key: string | null, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe("steps definition API", () => {
  test("no steps yet: 404 with a suggestion", async () => {
    const r = await call("GET", `/api/v1/funnels/${funnel.id}/steps`, funnel.secretKey);
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe("no_steps");
    expect(r.json.error.details.suggestion.steps[0]).toEqual({ name: "Landing", page: "/" });
  });

  test("needs the funnel's own secret key", async () => {
    expect((await call("GET", `/api/v1/funnels/${funnel.id}/steps`, null)).status).toBe(401);
    expect((await call("GET", `/api/v1/funnels/${funnel.id}/steps`, funnel.publicKey)).status).toBe(401);
    expect((await call("PUT", `/api/v1/funnels/${funnel.id}/steps`, other.secretKey, STEPS)).status).toBe(401);
  });

  test("an invalid definition names the step and the problem, and saves nothing", async () => {
    const bad = { ...STEPS, steps: [...STEPS.steps.slice(0, 2), { name: "Broken", page: "/a[" }] };
    const r = await call("PUT", `/api/v1/funnels/${funnel.id}/steps`, funnel.secretKey, bad);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("invalid_steps");
    expect(r.json.error.message).toContain('steps[2].page: pattern "/a[" does not parse');
    expect(r.json.error.details).toContainEqual(expect.objectContaining({ path: "steps[2].page" }));
    expect((await call("GET", `/api/v1/funnels/${funnel.id}/steps`, funnel.secretKey)).status).toBe(404);
  });

  test("bad JSON is a 400 too", async () => {
    const r = await call("PUT", `/api/v1/funnels/${funnel.id}/steps`, funnel.secretKey, "{nope");
    expect([r.status, r.json.error.code]).toEqual([400, "invalid_json"]);
  });

  test("PUT then GET returns the same shape", async () => {
    const put = await call("PUT", `/api/v1/funnels/${funnel.id}/steps`, funnel.secretKey, STEPS);
    expect(put.status).toBe(200);
    expect(put.json).toEqual(STEPS);
    const get = await call("GET", `/api/v1/funnels/${funnel.id}/steps`, funnel.secretKey);
    expect(get.json).toEqual(STEPS);
  });
});

describe("report API", () => {
  const now = Date.now();
  const at = (minAgo: number) => now - minAgo * 60_000;
  const pv = (anon: string, path: string, minAgo: number, extra: Record<string, unknown> = {}) => ({
    id: eventId(), type: "page_view", anonymousId: anon, url: `https://shop.example${path}`, ts: at(minAgo), ...extra,
  });
  const tr = (anon: string, name: string, minAgo: number) => ({ id: eventId(), type: "track", name, anonymousId: anon, ts: at(minAgo) });

  beforeAll(async () => {
    const events = [
      // Ann: landing from a newsletter, pricing, identifies, then checks out and buys on another device.
      pv("ann-laptop", "/?utm_source=newsletter&utm_medium=email", 120),
      pv("ann-laptop", "/pricing", 118),
      { id: eventId(), type: "identify", anonymousId: "ann-laptop", userId: "ann@example.com", ts: at(117) },
      { id: eventId(), type: "identify", anonymousId: "ann-phone", userId: "ann@example.com", ts: at(60) },
      tr("ann-phone", "checkout_initiated", 59),
      { id: eventId(), type: "conversion", name: "purchase", anonymousId: "ann-phone", ts: at(58), props: { plan: "pro" }, revenue: { amount: 49, currency: "USD" } },
      // Bob: landing, pricing, checkout, then nothing.
      pv("bob", "/", 100),
      pv("bob", "/pricing/team", 99),
      tr("bob", "checkout_initiated", 98),
      // Cat: landing only.
      pv("cat", "/", 30),
    ];
    const r = await sendEvents(server, { funnelId: funnel.id, key: funnel.secretKey, events });
    expect(r.status).toBe(202);
    await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length === events.length);
    // Linking ann-phone to Ann back-fills contact_id on its events.
    await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.filter((e) => e.anonymousId.startsWith("ann") && e.contactId !== null).length === 6);
  });

  test("counts a contact once across its devices", async () => {
    const r = await call("GET", `/api/v1/funnels/${funnel.id}/report`, funnel.secretKey);
    expect(r.status).toBe(200);
    expect(r.json.steps.map((s: any) => s.name)).toEqual(["Landing", "Pricing", "Checkout", "Purchase"]);
    expect(r.json.steps.map((s: any) => s.visitors)).toEqual([3, 2, 2, 1]);
    expect(r.json.steps.map((s: any) => s.inProgress)).toEqual([1, 0, 1, 0]);
    expect(r.json.steps.map((s: any) => s.dropped)).toEqual([0, 0, 0, 0]);
    expect(r.json.steps[1].conversionFromPrevious).toBe(0.6667);
    expect(r.json.steps[3].conversionFromStart).toBe(0.3333);
    expect(r.json.steps[3].revenue).toEqual({ USD: 49 });
    expect(r.json.steps[2].medianSecondsFromPrevious).toBe((59 * 60 + 60) / 2);
    for (const k of ["visitors", "inProgress", "dropped", "conversionFromPrevious", "conversionFromStart", "medianSecondsFromPrevious", "revenue"]) {
      expect(Object.keys(r.json.steps[0])).toContain(k);
    }
  });

  test("breakdown by the entry's attribution, and the previous period", async () => {
    const r = await call("GET", `/api/v1/funnels/${funnel.id}/report?breakdown=utm_source&compare=previous`, funnel.secretKey);
    expect(r.status).toBe(200);
    expect(r.json.breakdown.map((b: any) => [b.value, b.steps.map((s: any) => s.visitors)])).toEqual([
      ["(none)", [2, 1, 1, 0]],
      ["newsletter", [1, 1, 1, 1]],
    ]);
    expect(r.json.previous.steps.map((s: any) => s.visitors)).toEqual([0, 0, 0, 0]);
  });

  test("the dashboard filters apply to the entry visit", async () => {
    const r = await call("GET", `/api/v1/funnels/${funnel.id}/report?source=newsletter`, funnel.secretKey);
    expect(r.json.steps.map((s: any) => s.visitors)).toEqual([1, 1, 1, 1]);
    const none = await call("GET", `/api/v1/funnels/${funnel.id}/report?page=/pricing/team`, funnel.secretKey);
    expect(none.json.steps.map((s: any) => s.visitors)).toEqual([1, 1, 1, 0]);
    const v = await call("GET", `/api/v1/funnels/${funnel.id}/report/visitors?step=1&status=continued&source=newsletter`, funnel.secretKey);
    expect(v.json.visitors.map((x: any) => x.email)).toEqual(["ann@example.com"]);
  });

  test("the date range chooses who entered", async () => {
    const from = new Date(at(45)).toISOString();
    const r = await call("GET", `/api/v1/funnels/${funnel.id}/report?from=${encodeURIComponent(from)}`, funnel.secretKey);
    expect(r.json.steps.map((s: any) => s.visitors)).toEqual([1, 0, 0, 0]);
  });

  test("bad query parameters are 400s that say what is wrong", async () => {
    const r = await call("GET", `/api/v1/funnels/${funnel.id}/report?breakdown=planet`, funnel.secretKey);
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain("breakdown: expected one of channel");
    const v = await call("GET", `/api/v1/funnels/${funnel.id}/report/visitors?step=9`, funnel.secretKey);
    expect(v.status).toBe(400);
    expect(v.json.error.message).toContain("step: expected a step number from 1 to 4");
  });

  test("drill-down: who stopped at checkout, who continued", async () => {
    const stopped = await call("GET", `/api/v1/funnels/${funnel.id}/report/visitors?step=3&status=stopped`, funnel.secretKey);
    expect(stopped.status).toBe(200);
    expect(stopped.json.visitors.map((v: any) => [v.anonymousId, v.status, v.lastEvent.name])).toEqual([["bob", "in_progress", "checkout_initiated"]]);
    const continued = await call("GET", `/api/v1/funnels/${funnel.id}/report/visitors?step=3&status=continued`, funnel.secretKey);
    expect(continued.json.visitors).toHaveLength(1);
    expect(continued.json.visitors[0]).toMatchObject({ email: "ann@example.com", status: "completed", revenue: { USD: 49 } });
    expect(continued.json.visitors[0].lastEvent.name).toBe("purchase");
    const dropped = await call("GET", `/api/v1/funnels/${funnel.id}/report/visitors?step=3&status=dropped`, funnel.secretKey);
    expect(dropped.json.total).toBe(0);
  });

  test("no steps: the report says how to define them", async () => {
    const r = await call("GET", `/api/v1/funnels/${other.id}/report`, other.secretKey);
    expect([r.status, r.json.error.code]).toEqual([404, "no_steps"]);
  });
});
