// What the worker makes of accepted events: sessions, contacts, visitors, clocks.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { apiGet, createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

let server: TestServer;
let funnel: TestFunnel;
const ORIGIN = "https://shop.example";
const MIN = 60_000;

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 0 });
  funnel = createTestFunnel(server);
});
afterAll(() => server.stop());

async function send(events: unknown[], opts: { secret?: boolean; headers?: Record<string, string>; sentAt?: number } = {}) {
  const r = await sendEvents(
    server,
    { funnelId: funnel.id, key: opts.secret ? funnel.secretKey : funnel.publicKey, sentAt: opts.sentAt, events },
    { ...(opts.secret ? {} : { origin: ORIGIN }), ...opts.headers },
  );
  expect(r.status).toBe(202);
  server.running.worker!.drain();
  return r;
}

describe("sessions", () => {
  test("server-side sessions: 30 minutes idle ends one; entry, exit and attribution kept", async () => {
    const t0 = Date.now() - 3 * 60 * MIN;
    await send([
      { id: eventId(), type: "page_view", anonymousId: "v-sess", ts: t0, url: "https://shop.example/?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring", referrer: "https://l.facebook.com/" },
      { id: eventId(), type: "page_view", anonymousId: "v-sess", ts: t0 + 5 * MIN, url: "https://shop.example/pricing" },
      { id: eventId(), type: "track", name: "checkout_initiated", anonymousId: "v-sess", ts: t0 + 6 * MIN, url: "https://shop.example/pricing" },
      { id: eventId(), type: "page_view", anonymousId: "v-sess", ts: t0 + 60 * MIN, url: "https://shop.example/blog/a" },
    ]);
    const { sessions } = await apiGet(server, `/api/v1/funnels/${funnel.id}/sessions?limit=100`, funnel.secretKey);
    const mine = sessions.filter((s: any) => s.anonymousId === "v-sess").sort((a: any, b: any) => a.startedAt - b.startedAt);
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ entryPath: "/", exitPath: "/pricing", pageviews: 2, events: 3, bounce: false, durationSeconds: 360, utm_source: "facebook", utm_campaign: "spring", channel: "Paid Social" });
    expect(mine[1]).toMatchObject({ entryPath: "/blog/a", pageviews: 1, bounce: true, channel: "Direct" });
    const { events } = await apiGet(server, `/api/v1/funnels/${funnel.id}/events?limit=100`, funnel.secretKey);
    const checkout = events.find((e: any) => e.name === "checkout_initiated");
    expect(checkout).toMatchObject({ sessionId: mine[0].id, utm_source: "facebook", channel: "Paid Social" });
  });

  test("client session ids are used as given", async () => {
    await send([{ id: eventId(), type: "page_view", anonymousId: "v-client", sessionId: "client-session-1", url: "https://shop.example/" }]);
    const { sessions } = await apiGet(server, `/api/v1/funnels/${funnel.id}/sessions`, funnel.secretKey);
    expect(sessions.some((s: any) => s.id === "client-session-1" && s.anonymousId === "v-client")).toBe(true);
  });

  test("cookieless: the same IP and UA give the same visitor; another UA another", async () => {
    const ua2 = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
    const a = eventId(), b = eventId(), c = eventId();
    await send([{ id: a, type: "page_view", url: "https://shop.example/c" }, { id: b, type: "page_view", url: "https://shop.example/d" }]);
    await send([{ id: c, type: "page_view", url: "https://shop.example/c" }], { headers: { "user-agent": ua2 } });
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => [a, b, c].every((id) => es.some((e) => e.id === id)));
    const [ea, eb, ec] = [a, b, c].map((id) => events.find((e) => e.id === id));
    expect(ea.anonymousId).toMatch(/^h_[0-9a-f]{32}$/);
    expect(eb.anonymousId).toBe(ea.anonymousId);
    expect(eb.sessionId).toBe(ea.sessionId);
    expect(ec.anonymousId).not.toBe(ea.anonymousId);
  });
});

describe("clocks", () => {
  test("sentAt corrects client clock skew", async () => {
    const skew = 10 * MIN; // client clock 10 minutes fast
    const now = Date.now();
    const id = eventId();
    await send([{ id, type: "page_view", anonymousId: "v-clock", ts: now + skew - 1000, url: "https://shop.example/" }], { sentAt: now + skew });
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === id));
    const ts = events.find((e) => e.id === id).ts;
    expect(Math.abs(ts - (now - 1000))).toBeLessThan(5000);
  });

  test("more than an hour in the future is clamped and flagged", async () => {
    const id = eventId();
    await send([{ id, type: "page_view", anonymousId: "v-future", ts: Date.now() + 5 * 60 * MIN, url: "https://shop.example/" }]);
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === id));
    const e = events.find((x) => x.id === id);
    expect(e.flags).toEqual(["clock_clamped"]);
    expect(e.ts).toBeLessThanOrEqual(Date.now());
  });
});

describe("contacts", () => {
  test("identify links earlier anonymous events; a server conversion with the email adds verified revenue", async () => {
    const first = eventId();
    await send([{ id: first, type: "page_view", anonymousId: "v-lead", url: "https://shop.example/?utm_source=google&utm_medium=cpc" }]);
    await send([{ id: eventId(), type: "identify", anonymousId: "v-lead", userId: "Lead@Example.com", traits: { name: "Lee" } }]);
    await send([{ id: eventId(), type: "conversion", name: "purchase", revenue: { amount: 99, currency: "EUR" }, traits: { email: "lead@example.com" } }], { secret: true });
    const { contacts } = await apiGet(server, `/api/v1/funnels/${funnel.id}/contacts`, funnel.secretKey);
    const lead = contacts.find((c: any) => c.email === "lead@example.com");
    expect(lead).toMatchObject({ name: "Lee", conversions: 1, revenue: { EUR: 99 }, firstChannel: "Paid Search", firstSource: "google" });
    expect(lead.anonymousIds).toEqual(["v-lead"]);
    const { events } = await apiGet(server, `/api/v1/funnels/${funnel.id}/events?limit=200`, funnel.secretKey);
    expect(events.find((e: any) => e.id === first).contactId).toBe(lead.id);
    const purchase = events.find((e: any) => e.name === "purchase" && e.contactId === lead.id);
    expect(purchase).toMatchObject({ verified: true, anonymousId: "v-lead" });
  });
});

describe("proxies", () => {
  test("X-Forwarded-For is ignored without --trust-proxy", async () => {
    const id = eventId();
    await send([{ id, type: "page_view", anonymousId: "v-xff", url: "https://shop.example/" }], { headers: { "x-forwarded-for": "81.2.69.160" } });
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === id));
    expect(events.find((e) => e.id === id).country).toBeNull();
  });

  test("with --trust-proxy it gives the visitor's country from the address the proxy added", async () => {
    const proxied = await startTestServer({ trustProxy: true });
    try {
      const f = createTestFunnel(proxied);
      const id = eventId();
      const r = await sendEvents(proxied, { funnelId: f.id, key: f.publicKey, events: [{ id, type: "page_view", anonymousId: "p", url: "https://shop.example/" }] }, { origin: ORIGIN, "x-forwarded-for": "2.16.8.1, 81.2.69.160" });
      expect(r.status).toBe(202);
      const events = await waitForEvents(proxied, f.id, f.secretKey, (es) => es.some((e) => e.id === id));
      expect(events[0].country).toBe("GB");
    } finally {
      await proxied.stop();
    }
  });
});

test("stats sum what was kept", async () => {
  const stats = await apiGet(server, `/api/v1/funnels/${funnel.id}/stats?from=2020-01-01`, funnel.secretKey);
  expect(stats.pageviews).toBeGreaterThan(5);
  expect(stats.conversions).toBeGreaterThanOrEqual(1);
  expect(stats.revenue.EUR).toBe(99);
  expect(stats).toHaveProperty("bounceRate");
  expect(stats).toHaveProperty("avgSessionSeconds");
});

test("rate limit answers 429 with Retry-After", async () => {
  const limited = await startTestServer({ rateLimitPerMinute: 2 });
  try {
    const f = createTestFunnel(limited);
    const body = () => ({ funnelId: f.id, key: f.publicKey, events: [{ id: eventId(), type: "page_view" }] });
    expect((await sendEvents(limited, body(), { origin: ORIGIN })).status).toBe(202);
    expect((await sendEvents(limited, body(), { origin: ORIGIN })).status).toBe(202);
    const r = await sendEvents(limited, body(), { origin: ORIGIN });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(r.headers.get("access-control-expose-headers")).toBe("Retry-After");
  } finally {
    await limited.stop();
  }
});

test("queue over its high-water mark answers 503 with Retry-After", async () => {
  const full = await startTestServer({ queueHighWater: 0 });
  try {
    const f = createTestFunnel(full);
    const r = await sendEvents(full, { funnelId: f.id, key: f.publicKey, events: [{ id: eventId(), type: "page_view" }] }, { origin: ORIGIN });
    expect(r.status).toBe(503);
    expect(r.headers.get("retry-after")).toBe("5");
    expect(r.json.error.code).toBe("queue_full");
  } finally {
    await full.stop();
  }
});

test("a batch that keeps failing is parked with its error; the rest keep flowing", async () => {
  server.ctx.store.queue
    .query("INSERT INTO ingest_batches (funnel_id, key_kind, received_at, payload) VALUES (?, 'public', ?, ?)")
    .run(funnel.id, Date.now(), "[{not json");
  server.running.worker!.notify(1);
  const id = eventId();
  await send([{ id, type: "page_view", anonymousId: "after-poison", url: "https://shop.example/" }]);
  for (let i = 0; i < 10; i++) server.running.worker!.runOnce();
  await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === id));
  const { batches } = await apiGet(server, `/api/v1/funnels/${funnel.id}/batches?status=parked`, funnel.secretKey);
  expect(batches).toHaveLength(1);
  expect(batches[0].attempts).toBe(5);
  expect(server.ctx.store.queue.query("SELECT ip FROM ingest_batches WHERE status = 'parked'").get()).toEqual({ ip: null });
  expect(batches[0].error).toMatch(/JSON|parse/i);
  const health = await (await fetch(`${server.url}/healthz`)).json();
  expect(health.queue.parked).toBe(1);
});

test("a processed batch leaves the queue, and with it the request's IP and user agent", async () => {
  const id = eventId();
  await send([{ id, type: "page_view", anonymousId: "v-queue", url: "https://shop.example/" }]);
  const left = server.ctx.store.queue.query("SELECT count(*) AS n FROM ingest_batches WHERE status = 'pending'").get() as { n: number };
  expect(left.n).toBe(0);
  const stored = server.ctx.store.queue.query("SELECT count(*) AS n FROM ingest_batches WHERE ip IS NOT NULL OR user_agent IS NOT NULL").get() as { n: number };
  expect(stored.n).toBe(0);
  const r = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/batches?status=done`, { headers: { authorization: `Bearer ${funnel.secretKey}` } });
  expect(r.status).toBe(400);
  expect((await r.json()).error.message).toContain("processed batches are deleted");
});

test("on its own thread, processing confirms batches after its fsync: the queue empties without a drain", async () => {
  const threaded = await startTestServer({ processingThread: true });
  try {
    const f = createTestFunnel(threaded);
    const ids = Array.from({ length: 30 }, () => eventId());
    for (let i = 0; i < ids.length; i += 10) {
      const r = await sendEvents(threaded, { funnelId: f.id, key: f.secretKey, events: ids.slice(i, i + 10).map((id) => ({ id, type: "page_view", anonymousId: `v-${i}`, url: "https://shop.example/" })) });
      expect(r.status).toBe(202);
    }
    await waitForEvents(threaded, f.id, f.secretKey, (es) => ids.every((id) => es.some((e) => e.id === id)));
    const deadline = Date.now() + 10_000;
    let health: any;
    do {
      health = await (await fetch(`${threaded.url}/healthz`)).json();
      if (health.queue.pending === 0) break;
      await Bun.sleep(50);
    } while (Date.now() < deadline);
    expect(health.queue).toMatchObject({ pending: 0, parked: 0, inMemory: 0 });
  } finally {
    await threaded.stop();
  }
});
