import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { Webhook } from "standardwebhooks";
import { automationRuntime } from "../../src/automations/runtime";
import { waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";
import { Receiver, eventually } from "./receiver";
import { api, createRule, createTestFunnel, startHookServer, track } from "./setup";

setDefaultTimeout(120_000);

let server: TestServer;
let receiver: Receiver;

beforeAll(async () => {
  server = await startHookServer();
  receiver = await Receiver.start();
});
afterAll(async () => {
  await server.stop();
  receiver.stop();
});

/** A fresh funnel and a receiver path of its own, so tests do not see each other's requests. */
function setup(): { funnel: TestFunnel; path: string; got: () => ReturnType<Receiver["requests"]["filter"]> } {
  const funnel = createTestFunnel(server);
  const path = `/hook/${funnel.id}`;
  return { funnel, path, got: () => receiver.requests.filter((r) => r.path === path) };
}

async function deliveries(funnel: TestFunnel, ruleId: string): Promise<any[]> {
  return (await api(server, funnel, "GET", `/${ruleId}/deliveries`)).json.deliveries;
}

describe("webhook delivery", () => {
  test("a matching event is delivered once, signed so standardwebhooks verifies it, with the payload the issue lists", async () => {
    const { funnel, path, got } = setup();
    const rule = await createRule(server, funnel, {
      name: "Purchases",
      trigger: { type: "event", name: "purchase" },
      conditions: [{ field: "props.plan", op: "eq", value: "pro" }],
      action: { type: "webhook", url: `${receiver.url}${path}`, headers: { "X-Token": "n8n-secret" } },
    });
    await track(server, funnel, [
      { type: "page_view", url: "https://shop.example/pricing?utm_source=newsletter&utm_campaign=spring", anonymousId: "v1" },
      { type: "track", name: "purchase", anonymousId: "v1", props: { plan: "basic" } },
      { type: "track", name: "purchase", anonymousId: "v1", props: { plan: "pro" } },
      { type: "identify", userId: "u-1", traits: { email: "ada@example.com", name: "Ada" }, anonymousId: "v1" },
      { type: "track", name: "purchase", anonymousId: "v1", props: { plan: "pro" } },
    ]);
    const [req] = await eventually(() => got().length >= 2 && got(), 10_000, "two deliveries");
    await Bun.sleep(200);
    expect(got().length).toBe(2);

    const payload = new Webhook(rule.secret).verify(req.body, req.headers) as any;
    expect(req.headers["webhook-id"]).toMatch(/^msg_/);
    expect(req.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(Math.abs(Number(req.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(30);
    expect(req.headers["x-token"]).toBe("n8n-secret");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(payload.type).toBe("aurea.event");
    expect(payload.data.rule).toEqual({ id: rule.id, name: "Purchases", trigger: { type: "event", name: "purchase" } });
    expect(payload.data.funnel).toMatchObject({ id: funnel.id, name: "Test funnel" });
    expect(payload.data.event).toMatchObject({ name: "purchase", props: { plan: "pro" }, anonymousId: "v1" });
    expect(payload.data.session).toMatchObject({ utm_source: "newsletter", utm_campaign: "spring", entryPath: "/pricing" });
    expect(payload.data.contact).toBeNull();
    const second = new Webhook(rule.secret).verify(got()[1].body, got()[1].headers) as any;
    expect(second.data.contact).toMatchObject({ email: "ada@example.com", userId: "u-1" });
    expect(got()[1].headers["webhook-id"]).not.toBe(req.headers["webhook-id"]);

    const log = await deliveries(funnel, rule.id);
    expect(log.map((d: any) => d.status)).toEqual(["delivered", "delivered"]);
    expect(log[0].last).toMatchObject({ attempt: 1, statusCode: 200, responseSnippet: "ok", error: null });
    expect(log[0].last.latencyMs).toBeGreaterThanOrEqual(0);
  });

  test("a receiver failing twice then succeeding gets exactly one successful delivery after three attempts", async () => {
    const { funnel, path, got } = setup();
    receiver.respond = (req) => {
      if (req.path !== path) return new Response("ok");
      const n = got().length;
      return n <= 2 ? new Response("try later", { status: 503 }) : new Response("thanks");
    };
    const rule = await createRule(server, funnel, { name: "r", trigger: { type: "conversion" }, action: { type: "webhook", url: `${receiver.url}${path}` } });
    await track(server, funnel, [{ type: "conversion", name: "order", anonymousId: "v2", revenue: { amount: 10, currency: "EUR" } }]);
    await eventually(async () => (await deliveries(funnel, rule.id))[0]?.status === "delivered", 10_000, "delivered");
    await Bun.sleep(300);
    const reqs = got();
    expect(reqs.length).toBe(3);
    expect(new Set(reqs.map((r) => r.headers["webhook-id"])).size).toBe(1); // stable across retries
    for (const r of reqs) expect(() => new Webhook(rule.secret).verify(r.body, r.headers)).not.toThrow();
    const [d] = await deliveries(funnel, rule.id);
    expect(d).toMatchObject({ status: "delivered", attempts: 3 });
    const detail = (await api(server, funnel, "GET", `/${rule.id}/deliveries/${d.id}`)).json;
    expect(detail.attemptsLog.map((a: any) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 503, "HTTP 503"],
      [2, 503, "HTTP 503"],
      [3, 200, null],
    ]);
    expect(detail.attemptsLog[0].responseSnippet).toBe("try later");
    receiver.respond = () => new Response("ok");
  });

  test("Retry-After is honoured on 429", async () => {
    const { funnel, path, got } = setup();
    receiver.respond = (req) => (req.path === path && got().length === 1 ? new Response("slow down", { status: 429, headers: { "retry-after": "300" } }) : new Response("ok"));
    const rule = await createRule(server, funnel, { name: "r", trigger: { type: "event", name: "x" }, action: { type: "webhook", url: `${receiver.url}${path}` } });
    await track(server, funnel, [{ type: "track", name: "x", anonymousId: "v" }]);
    await eventually(async () => (await deliveries(funnel, rule.id))[0]?.status === "delivered", 10_000, "delivered");
    const reqs = got();
    // 300 s scaled by 1/1000 in tests: 300 ms.
    expect(reqs[1].at - reqs[0].at).toBeGreaterThanOrEqual(280);
    receiver.respond = () => new Response("ok");
  });

  test("a 4xx ends the delivery as failed without retry, and the funnel's failed count shows it", async () => {
    const { funnel, path, got } = setup();
    receiver.respond = (req) => (req.path === path ? new Response("no such hook", { status: 404 }) : new Response("ok"));
    const rule = await createRule(server, funnel, { name: "r", trigger: { type: "event", name: "x" }, action: { type: "webhook", url: `${receiver.url}${path}` } });
    await track(server, funnel, [{ type: "track", name: "x", anonymousId: "v" }]);
    await eventually(async () => (await deliveries(funnel, rule.id))[0]?.status === "failed", 10_000, "failed");
    await Bun.sleep(200);
    expect(got().length).toBe(1);
    const [d] = await deliveries(funnel, rule.id);
    expect(d.last).toMatchObject({ statusCode: 404, error: "HTTP 404", responseSnippet: "no such hook" });
    expect(automationRuntime(server.ctx).deliveries.failedCount(funnel.id)).toBe(1);

    // Resend: the same message (same webhook-id) again; it succeeds now.
    receiver.respond = () => new Response("ok");
    const resend = await api(server, funnel, "POST", `/${rule.id}/deliveries/${d.id}/resend`);
    expect(resend.status).toBe(202);
    await eventually(async () => (await deliveries(funnel, rule.id))[0]?.status === "delivered", 10_000, "resent");
    expect(got().length).toBe(2);
    expect(got()[1].headers["webhook-id"]).toBe(got()[0].headers["webhook-id"]);
    expect((await deliveries(funnel, rule.id))[0].attempts).toBe(2);
    expect(automationRuntime(server.ctx).deliveries.failedCount(funnel.id)).toBe(0);
  });

  test("gives up after the last attempt and parks the delivery as failed", async () => {
    const { funnel, path, got } = setup();
    receiver.respond = (req) => (req.path === path ? new Response("down", { status: 500 }) : new Response("ok"));
    const rt = automationRuntime(server.ctx);
    const saved = rt.backoff;
    rt.backoff = { ...saved, maxAttempts: 3 };
    try {
      const rule = await createRule(server, funnel, { name: "r", trigger: { type: "event", name: "x" }, action: { type: "webhook", url: `${receiver.url}${path}` } });
      await track(server, funnel, [{ type: "track", name: "x", anonymousId: "v" }]);
      await eventually(async () => (await deliveries(funnel, rule.id))[0]?.status === "failed", 10_000, "parked");
      expect(got().length).toBe(3);
      expect((await deliveries(funnel, rule.id))[0].last.error).toContain("gave up after 3 attempts");
    } finally {
      rt.backoff = saved;
      receiver.respond = () => new Response("ok");
    }
  });

  test("a paused rule delivers nothing; resumed, it delivers again", async () => {
    const { funnel, path, got } = setup();
    const rule = await createRule(server, funnel, { name: "r", paused: true, trigger: { type: "event", name: "signup" }, action: { type: "webhook", url: `${receiver.url}${path}` } });
    await track(server, funnel, [{ type: "track", name: "signup", anonymousId: "p1" }]);
    // Processed (a delivery would have been queued with it) before the rule is resumed.
    await waitForEvents(server, funnel.id, funnel.secretKey, (events) => events.some((e) => e.anonymousId === "p1"));
    expect(await deliveries(funnel, rule.id)).toEqual([]);
    await api(server, funnel, "PATCH", `/${rule.id}`, { paused: false });
    await track(server, funnel, [{ type: "track", name: "signup", anonymousId: "p2" }]);
    await receiver.waitFor(1);
    await eventually(() => got().length === 1, 5000, "one delivery");
    await api(server, funnel, "PATCH", `/${rule.id}`, { paused: true });
    await track(server, funnel, [{ type: "track", name: "signup", anonymousId: "p3" }]);
    await waitForEvents(server, funnel.id, funnel.secretKey, (events) => events.some((e) => e.anonymousId === "p3"));
    expect(await deliveries(funnel, rule.id)).toHaveLength(1);
    expect(got().length).toBe(1);
  });

  test("cooldown: at most one firing per visitor within it", async () => {
    const { funnel, path, got } = setup();
    await createRule(server, funnel, { name: "r", cooldown: "1h", trigger: { type: "event", name: "faq_*" }, action: { type: "webhook", url: `${receiver.url}${path}` } });
    await track(server, funnel, [
      { type: "track", name: "faq_open", anonymousId: "c1" },
      { type: "track", name: "faq_close", anonymousId: "c1" },
      { type: "track", name: "faq_open", anonymousId: "c2" },
    ]);
    await track(server, funnel, [{ type: "track", name: "faq_open", anonymousId: "c1" }]);
    await eventually(() => got().length >= 2, 5000, "two deliveries");
    await Bun.sleep(400);
    expect(got().map((r) => JSON.parse(r.body).data.event.anonymousId).sort()).toEqual(["c1", "c2"]);
  });

  test("new contact and verified conversions with minimum revenue", async () => {
    const { funnel, path, got } = setup();
    const url = `${receiver.url}${path}`;
    await createRule(server, funnel, { name: "contacts", trigger: { type: "contact_created" }, action: { type: "webhook", url } });
    await createRule(server, funnel, { name: "big", trigger: { type: "conversion", verifiedOnly: true, minRevenue: 100 }, action: { type: "webhook", url } });
    await track(server, funnel, [
      { type: "identify", userId: "u-9", traits: { email: "grace@example.com" }, anonymousId: "n1" },
      { type: "identify", userId: "u-9", traits: { email: "grace@example.com" }, anonymousId: "n1" },
      { type: "conversion", name: "order", anonymousId: "n1", revenue: { amount: 99, currency: "USD" } },
      { type: "conversion", name: "order", anonymousId: "n1", revenue: { amount: 150, currency: "USD" } },
    ]);
    await eventually(() => got().length >= 2, 5000, "two deliveries");
    await Bun.sleep(400);
    const bodies = got().map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.type).sort()).toEqual(["aurea.contact_created", "aurea.conversion"]);
    const contact = bodies.find((b) => b.type === "aurea.contact_created");
    expect(contact.data.contact).toMatchObject({ email: "grace@example.com", userId: "u-9" });
    const conv = bodies.find((b) => b.type === "aurea.conversion");
    expect(conv.data.event.revenue).toEqual({ amount: 150, currency: "USD" });
    expect(conv.data.event.verified).toBe(true);
  });

  test("send a test delivery", async () => {
    const { funnel, path, got } = setup();
    const rule = await createRule(server, funnel, { name: "r", paused: true, trigger: { type: "contact_created" }, action: { type: "webhook", url: `${receiver.url}${path}` } });
    const r = await api(server, funnel, "POST", `/${rule.id}/test`);
    expect(r.status).toBe(202);
    const [req] = await receiver.waitFor(1).then(() => eventually(() => got().length === 1 && got()));
    const payload = new Webhook(rule.secret).verify(req.body, req.headers) as any;
    expect(payload).toMatchObject({ type: "aurea.test", data: { test: true, rule: { id: rule.id } } });
    const [d] = await deliveries(funnel, rule.id);
    expect(d).toMatchObject({ id: r.json.deliveryId, test: true });
  });

  test("redirects: same host followed (signed body re-sent), other hosts not", async () => {
    const { funnel, path, got } = setup();
    receiver.respond = (req) => {
      if (req.path === `${path}/old`) return new Response(null, { status: 308, headers: { location: `${path}/new` } });
      if (req.path === `${path}/away`) return new Response(null, { status: 307, headers: { location: `http://localhost:${receiver.port}${path}/new` } });
      return new Response("ok");
    };
    const a = await createRule(server, funnel, { name: "a", trigger: { type: "event", name: "a" }, action: { type: "webhook", url: `${receiver.url}${path}/old` } });
    const b = await createRule(server, funnel, { name: "b", trigger: { type: "event", name: "b" }, action: { type: "webhook", url: `${receiver.url}${path}/away` } });
    await track(server, funnel, [{ type: "track", name: "a", anonymousId: "r" }, { type: "track", name: "b", anonymousId: "r" }]);
    await eventually(async () => (await deliveries(funnel, a.id))[0]?.status === "delivered", 5000, "a delivered");
    await eventually(async () => (await deliveries(funnel, b.id))[0]?.status === "failed", 5000, "b failed");
    const moved = receiver.requests.filter((r) => r.path === `${path}/new`);
    expect(moved.length).toBe(1);
    expect(() => new Webhook(a.secret).verify(moved[0].body, moved[0].headers)).not.toThrow();
    expect((await deliveries(funnel, b.id))[0].last.error).toContain("redirect to another host (localhost) not followed");
    expect(got().length).toBe(0); // got() is the exact path only
    receiver.respond = () => new Response("ok");
  });

  test("a slow receiver times out (and is retried) without holding up ingestion", async () => {
    const { funnel, path } = setup();
    const rt = automationRuntime(server.ctx);
    rt.timeoutMs = 300;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    receiver.respond = async (req) => {
      if (req.path === path) await gate;
      return new Response("ok");
    };
    try {
      const rule = await createRule(server, funnel, { name: "r", trigger: { type: "event", name: "slow" }, action: { type: "webhook", url: `${receiver.url}${path}` } });
      await track(server, funnel, [{ type: "track", name: "slow", anonymousId: "s" }]);
      const t0 = performance.now();
      await track(server, funnel, [{ type: "track", name: "other", anonymousId: "s" }]);
      expect(performance.now() - t0).toBeLessThan(250);
      await eventually(async () => (await deliveries(funnel, rule.id))[0]?.last?.error?.includes("timed out"), 5000, "a timeout");
      expect((await deliveries(funnel, rule.id))[0].status).toBe("pending");
    } finally {
      release();
      rt.timeoutMs = 10_000;
      receiver.respond = () => new Response("ok");
    }
  });

  test("response bodies are capped", async () => {
    const { funnel, path } = setup();
    receiver.respond = (req) => (req.path === path ? new Response("é".repeat(100_000)) : new Response("ok"));
    const rule = await createRule(server, funnel, { name: "r", trigger: { type: "event", name: "big" }, action: { type: "webhook", url: `${receiver.url}${path}` } });
    await track(server, funnel, [{ type: "track", name: "big", anonymousId: "b" }]);
    const d = await eventually(async () => (await deliveries(funnel, rule.id)).find((x: any) => x.status === "delivered"), 5000, "delivered");
    expect(Buffer.byteLength(d.last.responseSnippet)).toBeLessThanOrEqual(1024);
    expect(d.last.responseSnippet.length).toBe(512);
    receiver.respond = () => new Response("ok");
  });
});

describe("SSRF at send time", () => {
  test("a host that resolves to a private address when sending is refused, not called", async () => {
    const strict = await startHookServer({ allowPrivateWebhooks: false });
    try {
      const rt = automationRuntime(strict.ctx);
      let calls = 0;
      // Public when the rule is saved, loopback when the delivery is sent (DNS rebinding).
      rt.lookup = async () => (calls++ === 0 ? ["93.184.216.34"] : ["127.0.0.1"]);
      const funnel = createTestFunnel(strict);
      const before = receiver.requests.length;
      const rule = await createRule(strict, funnel, { name: "r", trigger: { type: "event", name: "x" }, action: { type: "webhook", url: `http://hooks.rebind.example:${receiver.port}/x` } });
      await track(strict, funnel, [{ type: "track", name: "x", anonymousId: "v" }]);
      const d = await eventually(async () => {
        const log = (await api(strict, funnel, "GET", `/${rule.id}/deliveries`)).json.deliveries;
        return log[0]?.status === "failed" && log[0];
      }, 5000, "refused");
      expect(d.last.error).toContain("resolves to 127.0.0.1, which is a loopback address");
      expect(receiver.requests.length).toBe(before);
    } finally {
      await strict.stop();
    }
  });
});

describe("with processing on its own thread (the default of aurea serve)", () => {
  test("rules fire from the processing thread; a rule made afterwards is seen there too", async () => {
    const threaded = await startHookServer({ processingThread: true });
    try {
      const funnel = createTestFunnel(threaded);
      const path = `/threaded/${funnel.id}`;
      await createRule(threaded, funnel, { name: "a", trigger: { type: "event", name: "purchase" }, action: { type: "webhook", url: `${receiver.url}${path}` } });
      await track(threaded, funnel, [{ type: "track", name: "purchase", anonymousId: "t1" }]);
      await eventually(() => receiver.requests.filter((r) => r.path === path).length === 1, 5000, "first delivery");
      const rule = await createRule(threaded, funnel, { name: "b", trigger: { type: "event", name: "refund" }, action: { type: "webhook", url: `${receiver.url}${path}` } });
      await track(threaded, funnel, [{ type: "track", name: "refund", anonymousId: "t1" }]);
      const got = await eventually(() => {
        const reqs = receiver.requests.filter((r) => r.path === path);
        return reqs.length === 2 && reqs;
      }, 5000, "second delivery");
      expect(JSON.parse(got[1].body).data.rule.id).toBe(rule.id);
    } finally {
      await threaded.stop();
    }
  });
});
