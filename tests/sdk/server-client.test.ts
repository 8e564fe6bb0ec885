import { describe, expect, test } from "bun:test";
import { eventSchema } from "../../src/ingest/payload";
import { AureaError, createAureaServer } from "../../sdk/server";

interface Call {
  url: string;
  init: RequestInit;
  body: { funnelId: string; sentAt: number; events: Record<string, unknown>[] };
}

function fakeServer(responses: (Response | Error)[]) {
  const calls: Call[] = [];
  const sleeps: number[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init, body: JSON.parse(init.body as string) });
    const next = responses.shift() ?? new Response(JSON.stringify({ accepted: 1, rejected: [] }), { status: 202 });
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof globalThis.fetch;
  const client = createAureaServer({
    apiUrl: "https://aurea.example.com/",
    funnelId: "fun_1",
    secretKey: "sk_test",
    fetch,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { client, calls, sleeps };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("createAureaServer", () => {
  test("a conversion goes with the secret key as a valid, verified-revenue event", async () => {
    const { client, calls } = fakeServer([]);
    const res = await client.conversion("purchase", { revenue: 49.99, currency: "EUR", orderId: "ord_42", email: "ada@example.com", ip: "203.0.113.9" });
    expect(res).toEqual({ accepted: 1, rejected: [] });
    expect(calls).toHaveLength(1);
    const { url, init, body } = calls[0];
    expect(url).toBe("https://aurea.example.com/api/track/events");
    expect((init.headers as Record<string, string>).authorization).toBe("Bearer sk_test");
    expect(body.funnelId).toBe("fun_1");
    expect(typeof body.sentAt).toBe("number");
    const ev = body.events[0];
    expect(ev).toMatchObject({
      type: "conversion",
      name: "purchase",
      id: "purchase:ord_42",
      revenue: { amount: 49.99, currency: "EUR" },
      traits: { email: "ada@example.com" },
      props: { order_id: "ord_42" },
      ip: "203.0.113.9",
    });
    expect(eventSchema.safeParse(ev).success).toBe(true);
  });

  test("a webhook retried with the same order id sends the same event id", async () => {
    const { client, calls } = fakeServer([]);
    await client.conversion("purchase", { revenue: 10, orderId: "o1" });
    await client.conversion("purchase", { revenue: 10, orderId: "o1" });
    expect(calls[0].body.events[0].id).toBe(calls[1].body.events[0].id);
  });

  test("track and identify", async () => {
    const { client, calls } = fakeServer([]);
    await client.track("trial_started", { userId: "u1", props: { plan: "pro" }, ts: new Date("2026-01-01T00:00:00Z") });
    await client.identify("ada@example.com", { name: "Ada" });
    await client.identify("user_7");
    const [track, byEmail, byId] = calls.map((c) => c.body.events[0]);
    expect(track).toMatchObject({ type: "track", name: "trial_started", userId: "u1", props: { plan: "pro" }, ts: 1767225600000 });
    expect(byEmail).toMatchObject({ type: "identify", traits: { email: "ada@example.com", name: "Ada" } });
    expect(byEmail.userId).toBeUndefined();
    expect(byId).toMatchObject({ type: "identify", userId: "user_7" });
    for (const e of [track, byEmail, byId]) expect(eventSchema.safeParse(e).success).toBe(true);
  });

  test("retries network errors, 5xx and 429 with growing delays, keeping the event id", async () => {
    const { client, calls, sleeps } = fakeServer([new TypeError("fetch failed"), json(500, {}), json(502, {})]);
    await client.track("x");
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.body.events[0].id)).size).toBe(1);
    expect(sleeps).toHaveLength(3);
    expect(sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(sleeps[2]).toBeGreaterThanOrEqual(2000);
  });

  test("honours Retry-After", async () => {
    const { client, sleeps } = fakeServer([json(429, { error: { code: "rate_limited", message: "slow down" } }, { "retry-after": "7" })]);
    await client.track("x");
    expect(sleeps[0]).toBeGreaterThanOrEqual(7000);
  });

  test("a 4xx is final: no retry, an AureaError with the server's code and message", async () => {
    const { client, calls } = fakeServer([json(401, { error: { code: "invalid_key", message: "the secret key is not valid for funnel fun_1" } })]);
    const err = await client.track("x").catch((e) => e);
    expect(err).toBeInstanceOf(AureaError);
    expect(err).toMatchObject({ status: 401, code: "invalid_key", message: "the secret key is not valid for funnel fun_1" });
    expect(calls).toHaveLength(1);
  });

  test("gives up after the retries", async () => {
    const { client, calls } = fakeServer(Array.from({ length: 10 }, () => json(503, {}, { "retry-after": "1" })));
    const err = await client.track("x").catch((e) => e);
    expect(err).toBeInstanceOf(AureaError);
    expect(err.status).toBe(503);
    expect(calls).toHaveLength(5);
  });
});
