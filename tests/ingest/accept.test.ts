// The accept path through a real server: what is answered, and what is kept.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";
import { WIDE_EVENTS_SQL } from "../../src/store/sqlite/layout";

let server: TestServer;
let funnel: TestFunnel;
const ORIGIN = "https://shop.example";

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 0 });
  funnel = createTestFunnel(server);
});
afterAll(() => server.stop());

const pageView = (extra: Record<string, unknown> = {}) => ({
  id: eventId(),
  type: "page_view",
  anonymousId: "anon-1",
  url: "https://shop.example/?utm_source=newsletter&utm_medium=email",
  ...extra,
});

describe("POST /api/track/events", () => {
  test("202 after commit, then processed and readable", async () => {
    const ev = pageView();
    const r = await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: [ev] }, { origin: ORIGIN });
    expect(r.status).toBe(202);
    expect(r.json).toEqual({ accepted: 1, rejected: [] });
    expect(r.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === ev.id));
    const got = events.find((e) => e.id === ev.id);
    expect(got).toMatchObject({ type: "page_view", path: "/", browser: "Chrome", device: "desktop", channel: "Email", utm_source: "newsletter", verified: false });
  });

  test("text/plain bodies are accepted (sendBeacon)", async () => {
    const ev = pageView();
    const r = await sendEvents(server, JSON.stringify({ funnelId: funnel.id, key: funnel.publicKey, events: [ev] }), {
      origin: ORIGIN,
      "content-type": "text/plain;charset=UTF-8",
    });
    expect(r.status).toBe(202);
    await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === ev.id));
  });

  test("partial batches keep the good events and say what is wrong and where", async () => {
    const good = pageView();
    const r = await sendEvents(
      server,
      {
        funnelId: funnel.id,
        key: funnel.publicKey,
        events: [good, { id: eventId(), type: "conversion", name: "purchase", revenue: { amount: "12", currency: "USD" } }, { id: eventId(), type: "track" }],
      },
      { origin: ORIGIN },
    );
    expect(r.status).toBe(202);
    expect(r.json.accepted).toBe(1);
    expect(r.json.rejected.map((x: any) => x.index)).toEqual([1, 2]);
    expect(r.json.rejected[0].errors[0].path).toBe("events[1].revenue.amount");
    expect(r.json.rejected[0].errors[0].message).toMatch(/number/);
    expect(r.json.rejected[1].errors[0]).toEqual({ path: "events[2].name", message: "is required for track events" });
    await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === good.id));
  });

  test("duplicate ids are stored once", async () => {
    const ev = pageView({ anonymousId: "dup-visitor" });
    for (let i = 0; i < 3; i++) {
      expect((await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: [ev, ev] }, { origin: ORIGIN })).status).toBe(202);
    }
    server.running.worker!.drain();
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === ev.id));
    expect(events.filter((e) => e.id === ev.id)).toHaveLength(1);
  });

  test.each([
    ["empty body", "", {}, 400, "invalid_json"],
    ["not JSON", "{nope", {}, 400, "invalid_json"],
    ["a JSON array", "[]", {}, 400, "invalid_body"],
    ["no events", JSON.stringify({ funnelId: "x", events: [] }), {}, 400, "invalid_body"],
  ])("%s → %d", async (_name, body, headers, status, code) => {
    const r = await sendEvents(server, body, { origin: ORIGIN, ...headers });
    expect(r.status).toBe(status);
    expect(r.json.error.code).toBe(code);
    expect(typeof r.json.error.message).toBe("string");
  });

  test("401 for a missing or wrong key", async () => {
    const missing = await sendEvents(server, { funnelId: funnel.id, events: [pageView()] }, { origin: ORIGIN });
    expect(missing.status).toBe(401);
    expect(missing.json.error.code).toBe("missing_key");
    const wrong = await sendEvents(server, { funnelId: funnel.id, key: "pk_wrong", events: [pageView()] }, { origin: ORIGIN });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toContain(funnel.id);
  });

  test("the key may come as X-Aurea-Key or Authorization: Bearer", async () => {
    const a = await sendEvents(server, { funnelId: funnel.id, events: [pageView()] }, { origin: ORIGIN, "x-aurea-key": funnel.publicKey });
    expect(a.status).toBe(202);
    const b = await sendEvents(server, { funnelId: funnel.id, events: [pageView()] }, { authorization: `Bearer ${funnel.secretKey}` });
    expect(b.status).toBe(202);
  });

  test("403 names the origin a public key was used from", async () => {
    const r = await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: [pageView()] }, { origin: "https://evil.example" });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toContain("https://evil.example");
    // a page on an origin no funnel allows cannot read the answer (tests/ingest/cors.test.ts)
    expect(r.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("413 for a body over the limit and for too many events", async () => {
    const big = "x".repeat(600 * 1024);
    const r = await sendEvents(server, big, { origin: ORIGIN });
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe("payload_too_large");
    const many = Array.from({ length: 501 }, () => ({ id: "a", type: "page_view" }));
    const r2 = await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: many }, { origin: ORIGIN });
    expect(r2.status).toBe(413);
  });

  test("hostile input gets a 400 or is stored as text, never a 5xx", async () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect((await sendEvents(server, deep, { origin: ORIGIN })).status).toBe(400);
    const proto = `{"funnelId":"${funnel.id}","key":"${funnel.publicKey}","events":[{"id":"p1","type":"track","name":"x","props":{"__proto__":{"admin":true}}}]}`;
    const p = await sendEvents(server, proto, { origin: ORIGIN });
    expect(p.status).toBe(400);
    expect(p.json.error.details[0].errors[0].path).toBe("events[0].props");
    const nul = await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: [{ id: "n1", type: "track", name: "a\u0000b" }] }, { origin: ORIGIN });
    expect(nul.status).toBe(400);
    const lone = `{"funnelId":"${funnel.id}","key":"${funnel.publicKey}","events":[{"id":"s1","type":"track","name":"\\ud800x"}]}`;
    expect((await sendEvents(server, lone, { origin: ORIGIN })).status).toBe(400);
    const xss = pageView({ title: "<img src=x onerror=alert(1)>" });
    expect((await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: [xss] }, { origin: ORIGIN })).status).toBe(202);
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === xss.id));
    expect(events.find((e) => e.id === xss.id).title).toBe("<img src=x onerror=alert(1)>");
  });

  test("a public key cannot set ip or userAgent; a secret key can", async () => {
    const r = await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: [pageView({ ip: "81.2.69.160" })] }, { origin: ORIGIN });
    expect(r.status).toBe(400);
    expect(r.json.error.details[0].errors[0].path).toBe("events[0].ip");
    const ev = { id: eventId(), type: "track", name: "server_side", anonymousId: "srv", ip: "81.2.69.160", userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1" };
    expect((await sendEvents(server, { funnelId: funnel.id, key: funnel.secretKey, events: [ev] })).status).toBe(202);
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === ev.id));
    expect(events.find((e) => e.id === ev.id)).toMatchObject({ country: "GB", device: "mobile" });
  });

  test("secret-key revenue is verified, public-key revenue is not", async () => {
    const pub = { id: eventId(), type: "conversion", name: "purchase", anonymousId: "buyer", revenue: { amount: 49.99, currency: "usd" } };
    const sec = { id: eventId(), type: "conversion", name: "purchase", anonymousId: "buyer", revenue: { amount: 1000, currency: "JPY" } };
    expect((await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: [pub] }, { origin: ORIGIN })).status).toBe(202);
    expect((await sendEvents(server, { funnelId: funnel.id, key: funnel.secretKey, events: [sec] })).status).toBe(202);
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === sec.id) && es.some((e) => e.id === pub.id));
    expect(events.find((e) => e.id === pub.id)).toMatchObject({ verified: false, revenue: { amount: 49.99, currency: "USD" } });
    expect(events.find((e) => e.id === sec.id)).toMatchObject({ verified: true, revenue: { amount: 1000, currency: "JPY" } });
  });

  test("bots are dropped and counted", async () => {
    const ev = pageView();
    const r = await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: [ev] }, { origin: ORIGIN, "user-agent": "Googlebot/2.1 (+http://www.google.com/bot.html)" });
    expect(r.status).toBe(202);
    server.running.worker!.drain();
    const row = server.ctx.store.sqlite.query("SELECT bots_dropped AS n FROM funnels WHERE id = ?").get(funnel.id) as { n: number };
    expect(row.n).toBeGreaterThanOrEqual(1);
    const ids = server.ctx.store.sqlite.query(`SELECT count(*) AS n FROM (${WIDE_EVENTS_SQL}) WHERE id = ?`).get(ev.id) as { n: number };
    expect(ids.n).toBe(0);
  });
});

describe("CORS", () => {
  test("preflight allowed for a funnel's origin", async () => {
    const res = await fetch(`${server.url}/api/track/events`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.headers.get("access-control-allow-headers")).toContain("content-type");
  });

  test("preflight refused for any other origin", async () => {
    const res = await fetch(`${server.url}/api/track/events`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

test("GET /healthz reports the queue and the database", async () => {
  const res = await fetch(`${server.url}/healthz`);
  expect(res.status).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ status: "ok", database: "ok" });
  expect(typeof body.queue.pending).toBe("number");
});
