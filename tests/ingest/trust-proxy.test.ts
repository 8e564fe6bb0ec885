// --trust-proxy through a real server: a client cannot pick its own address by writing X-Forwarded-For.
import { afterEach, describe, expect, test } from "bun:test";
import { createTestFunnel, eventId, sendEvents, startTestServer, type TestServer } from "../helpers/server";

const ORIGIN = "https://shop.example";
let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function burst(s: TestServer, count: number, xff: (i: number) => string): Promise<number[]> {
  const f = createTestFunnel(s);
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const body = { funnelId: f.id, key: f.publicKey, events: [{ id: eventId(), type: "page_view", anonymousId: "v", url: "https://shop.example/" }] };
    statuses.push((await sendEvents(s, body, { origin: ORIGIN, "x-forwarded-for": xff(i) })).status);
  }
  return statuses;
}

describe("rate limit behind a trusted proxy", () => {
  test("a forged left-most X-Forwarded-For does not give each request a fresh allowance", async () => {
    server = await startTestServer({ trustProxy: true, rateLimitPerMinute: 10 });
    const statuses = await burst(server, 20, (i) => `198.51.100.${i + 1}, 81.2.69.160`);
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });

  test("different clients behind the proxy have their own allowance", async () => {
    server = await startTestServer({ trustProxy: true, rateLimitPerMinute: 10 });
    const statuses = await burst(server, 20, (i) => `81.2.69.${i + 1}`);
    expect(statuses.every((s) => s === 202)).toBe(true);
  });

  test("with two hops trusted, the CDN's client address is used; extra hops are warned about once", async () => {
    server = await startTestServer({ trustProxy: 2, rateLimitPerMinute: 10 });
    const statuses = await burst(server, 12, (i) => `203.0.113.${i + 1}, 81.2.69.160, 198.51.100.${i + 1}`);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(server.logs.filter((l) => l.startsWith("trust-proxy:"))).toHaveLength(1);
  });
});
