// Corrected event times stay inside a window around the time the batch was received.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TIME_WINDOW, validateEvents } from "../../src/ingest/validate";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

const HOUR = 3600_000;
const RECEIVED = Date.UTC(2026, 5, 1, 12);
const one = (ts: number | undefined, kind: "public" | "secret" = "public", sentAt?: number) =>
  validateEvents([{ id: "e1", type: "page_view", ...(ts === undefined ? {} : { ts }) }], kind, RECEIVED, sentAt).events[0];

describe("validateEvents clock window", () => {
  test("a time inside the window is kept, unflagged", () => {
    for (const ts of [RECEIVED, RECEIVED - 71 * HOUR, RECEIVED + 59 * 60_000]) {
      expect(one(ts)).toMatchObject({ ts });
      expect(one(ts).flags).toBeUndefined();
    }
  });

  test("a sentAt far in the future cannot push a public event into the distant past", () => {
    const e = one(RECEIVED - 1000, "public", 32503679999999);
    expect(e.ts).toBe(RECEIVED - TIME_WINDOW.publicPastMs);
    expect(e.flags).toEqual(["clock_clamped"]);
    expect(e.ts).toBeGreaterThan(0);
  });

  test("public keys: more than 72 hours old is clamped to the window's start and flagged", () => {
    const e = one(RECEIVED - 10 * 24 * HOUR);
    expect(e.ts).toBe(RECEIVED - 72 * HOUR);
    expect(e.flags).toEqual(["clock_clamped"]);
  });

  test("more than an hour ahead is clamped to the received time and flagged, for either key", () => {
    for (const kind of ["public", "secret"] as const) {
      const e = one(RECEIVED + 2 * HOUR, kind);
      expect(e.ts).toBe(RECEIVED);
      expect(e.flags).toEqual(["clock_clamped"]);
    }
  });

  test("secret keys may import old events (back to 2000-01-01), but no further", () => {
    const old = Date.UTC(2019, 0, 1);
    expect(one(old, "secret")).toMatchObject({ ts: old });
    expect(one(old, "secret").flags).toBeUndefined();
    const e = one(RECEIVED - 1000, "secret", 32503679999999);
    expect(e.ts).toBe(TIME_WINDOW.secretEarliest);
    expect(e.flags).toEqual(["clock_clamped"]);
  });
});

describe("through a real server", () => {
  let server: TestServer;
  let funnel: TestFunnel;
  beforeAll(async () => {
    server = await startTestServer({ rateLimitPerMinute: 0 });
    funnel = createTestFunnel(server);
  });
  afterAll(() => server.stop());

  test("a public batch with sentAt in the year 2999 stores a time near now, flagged", async () => {
    const id = eventId();
    const before = Date.now();
    const r = await sendEvents(
      server,
      { funnelId: funnel.id, key: funnel.publicKey, sentAt: 32503679999999, events: [{ id, type: "page_view", anonymousId: "v", ts: before, url: "https://shop.example/" }] },
      { origin: "https://shop.example" },
    );
    expect(r.status).toBe(202);
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.id === id));
    const e = events.find((x) => x.id === id);
    expect(e.ts).toBeGreaterThanOrEqual(before - 72 * HOUR - 1000);
    expect(e.flags).toEqual(["clock_clamped"]);
  });
});
