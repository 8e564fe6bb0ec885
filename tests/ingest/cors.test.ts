// Which pages may read ingest's answers: only pages on an allowed origin, whatever the status.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestFunnel, eventId, sendEvents, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";

let server: TestServer;
let funnel: TestFunnel;
const ALLOWED = "https://shop.example";
const EVIL = "https://evil.example";

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 0 });
  funnel = createTestFunnel(server, { origins: [ALLOWED, "https://www.shop.example"] });
});
afterAll(() => server.stop());

const pageView = () => ({ id: eventId(), type: "page_view", anonymousId: "anon-1", url: "https://shop.example/" });
const acao = (r: { headers: Headers }) => r.headers.get("access-control-allow-origin");

describe("Access-Control-Allow-Origin on ingest answers", () => {
  test.each([
    ["401 (wrong key)", () => ({ funnelId: funnel.id, key: "pk_wrong", events: [pageView()] }), 401],
    ["401 (no key)", () => ({ funnelId: funnel.id, events: [pageView()] }), 401],
    ["403 (origin not allowed)", () => ({ funnelId: funnel.id, key: funnel.publicKey, events: [pageView()] }), 403],
    ["202 (secret key)", () => ({ funnelId: funnel.id, key: funnel.secretKey, events: [pageView()] }), 202],
    ["400 (bad body)", () => ({ funnelId: funnel.id }), 400],
  ])("%s: another origin is not echoed", async (_label, body, status) => {
    const r = await sendEvents(server, body(), { origin: EVIL });
    expect(r.status).toBe(status);
    expect(acao(r)).toBeNull();
  });

  test.each([
    ["401 (wrong key)", () => ({ funnelId: funnel.id, key: "pk_wrong", events: [pageView()] }), 401],
    ["202 (public key)", () => ({ funnelId: funnel.id, key: funnel.publicKey, events: [pageView()] }), 202],
    ["202 (secret key)", () => ({ funnelId: funnel.id, key: funnel.secretKey, events: [pageView()] }), 202],
    ["400 (bad body)", () => ({ funnelId: funnel.id }), 400],
  ])("%s: an allowed origin is echoed", async (_label, body, status) => {
    const r = await sendEvents(server, body(), { origin: ALLOWED });
    expect(r.status).toBe(status);
    expect(acao(r)).toBe(ALLOWED);
  });

  test("the 403 body does not list the funnel's allowed origins", async () => {
    const r = await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: [pageView()] }, { origin: EVIL });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe("origin_not_allowed");
    const text = JSON.stringify(r.json);
    expect(text).not.toContain("shop.example");
    expect(text).toContain(EVIL);
  });
});
