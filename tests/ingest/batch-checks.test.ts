// Smaller ingest checks through a real server: currencies, minor units, duplicate ids
// within a batch, and bodies over the server's limit.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { validateEvents } from "../../src/ingest/validate";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

let server: TestServer;
let funnel: TestFunnel;
const ORIGIN = "https://shop.example";

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 0 });
  funnel = createTestFunnel(server);
});
afterAll(() => server.stop());

const conversion = (amount: number, currency: string) => ({ id: eventId(), type: "conversion", name: "purchase", anonymousId: "v", revenue: { amount, currency } });
const secret = (events: unknown[]) => sendEvents(server, { funnelId: funnel.id, events }, { authorization: `Bearer ${funnel.secretKey}` });

describe("revenue", () => {
  test.each(["ZZZ", "ABC", "EUX"])("currency %s is not an ISO 4217 code", async (currency) => {
    const r = await secret([conversion(10, currency)]);
    expect(r.status).toBe(400);
    expect(r.json.error.details[0].errors[0]).toEqual({ path: "events[0].revenue.currency", message: `"${currency}" is not an ISO 4217 currency code` });
  });

  test.each([
    [0.001, "USD", "USD has 2 decimal places"],
    [10.5, "JPY", "JPY has no decimal places"],
    [1.0001, "KWD", "KWD has 3 decimal places"],
  ])("%d %s is finer than the currency's minor unit", async (amount, currency, message) => {
    const r = await secret([conversion(amount, currency)]);
    expect(r.status).toBe(400);
    expect(r.json.error.details[0].errors[0].path).toBe("events[0].revenue.amount");
    expect(r.json.error.details[0].errors[0].message).toContain(message);
  });

  test("amounts in the minor unit are kept, float noise included", async () => {
    const ok = [conversion(49.99, "usd"), conversion(0.1 + 0.2, "EUR"), conversion(1500, "JPY"), conversion(1.234, "KWD")];
    const r = await secret(ok);
    expect(r.status).toBe(202);
    expect(r.json).toEqual({ accepted: 4, rejected: [] });
  });
});

describe("duplicate ids within a batch", () => {
  test("are counted apart and stored once", async () => {
    const id = eventId();
    const ev = { id, type: "page_view", anonymousId: "dup", url: "https://shop.example/" };
    const other = { id: eventId(), type: "page_view", anonymousId: "dup", url: "https://shop.example/b" };
    const r = await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: [ev, ev, other, ev] }, { origin: ORIGIN });
    expect(r.status).toBe(202);
    expect(r.json).toEqual({ accepted: 2, rejected: [], duplicates: 2 });
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === other.id));
    expect(events.filter((e) => e.id === id)).toHaveLength(1);
  });

  test("the first copy is the one kept; a batch without duplicates answers as before", () => {
    const { events, duplicates } = validateEvents(
      [{ id: "a", type: "track", name: "first" }, { id: "a", type: "track", name: "second" }, { id: "b", type: "track", name: "x" }],
      "secret",
      Date.now(),
    );
    expect(events.map((e) => e.name)).toEqual(["first", "x"]);
    expect(duplicates).toBe(1);
  });
});

describe("bodies over the server's limit", () => {
  test("ingest answers 413 with the JSON error shape, however large the body", async () => {
    for (const size of [600 * 1024, 5 * 1024 * 1024]) {
      const r = await sendEvents(server, "x".repeat(size), { origin: ORIGIN });
      expect(r.status).toBe(413);
      expect(r.json.error.code).toBe("payload_too_large");
    }
  });

  test("dashboard and API routes answer 413 with the JSON error shape too", async () => {
    for (const path of ["/login", "/api/v1/funnels"]) {
      const res = await fetch(server.url + path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=" + "x".repeat(5 * 1024 * 1024) });
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe("payload_too_large");
    }
  });
});
