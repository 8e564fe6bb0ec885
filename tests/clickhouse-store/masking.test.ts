// The ClickHouse URL's password is never shown: not in config errors, logs, /healthz,
// the dashboard notice or ClickHouse's own errors.
import { describe, expect, test } from "bun:test";
import { ConfigError, parseFlags, resolveEventStore, SERVE_FLAGS } from "../../src/config";
import { maskSecret, parseClickHouseUrl } from "../../src/store/clickhouse/connection";
import { startTestClickHouse } from "../helpers/clickhouse";
import { eventId, sendEvents, startTestServer, createTestFunnel } from "../helpers/server";
import { healthz, until } from "./helpers";

describe("clickhouse:// URLs", () => {
  test("HTTP and TLS forms become client config; the shown form masks the password", () => {
    expect(parseClickHouseUrl("clickhouse://aurea:p%40ss@ch.internal:8123/analytics")).toEqual({
      url: "http://ch.internal:8123", username: "aurea", password: "p@ss", database: "analytics",
      shown: "clickhouse://aurea:***@ch.internal:8123/analytics",
    });
    expect(parseClickHouseUrl("clickhouses://u:pw@ch.example.com/db")).toMatchObject({ url: "https://ch.example.com:8443", shown: "clickhouses://u:***@ch.example.com:8443/db" });
    expect(parseClickHouseUrl("https://u:pw@ch.example.com:9443/db").url).toBe("https://ch.example.com:9443");
    expect(parseClickHouseUrl("clickhouse://ch.local")).toMatchObject({ username: "default", password: "", database: "aurea", shown: "clickhouse://ch.local:8123/aurea" });
  });

  test("--events and AUREA_EVENTS_URL: sqlite by default; bad values are refused without echoing them", () => {
    expect(resolveEventStore(parseFlags([], SERVE_FLAGS, {}))).toBeNull();
    expect(resolveEventStore(parseFlags(["--events", "sqlite"], SERVE_FLAGS, {}))).toBeNull();
    expect(resolveEventStore(parseFlags([], SERVE_FLAGS, { AUREA_EVENTS_URL: "clickhouse://a:b@h:8123/d" }))?.shown).toBe("clickhouse://a:***@h:8123/d");
    for (const bad of ["postgres://u:TopSecret1@h/db", "clickhouse://u:TopSecret1@h:8123/bad-name", "clickhouse://u:TopSecret1@:8123/"]) {
      let error: unknown;
      try {
        resolveEventStore(parseFlags(["--events", bad], SERVE_FLAGS, {}));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).not.toContain("TopSecret1");
    }
  });

  test("maskSecret takes the password out of any message, plain or URL-encoded", () => {
    const t = parseClickHouseUrl("clickhouse://u:p%2Fw%3Ax@h/db");
    expect(maskSecret("failed for u:p/w:x and p%2Fw%3Ax", t)).toBe("failed for u:*** and ***");
  });
});

test("a wrong password: ClickHouse refuses, /healthz and the logs say so, the password appears nowhere", async () => {
  const ch = await startTestClickHouse();
  const wrong = "Wr0ng-Passw0rd";
  const server = await startTestServer({ processingThread: true, eventStore: parseClickHouseUrl(ch.eventsUrl.replace(`:${ch.password}@`, `:${wrong}@`)) });
  try {
    const f = createTestFunnel(server);
    expect((await sendEvents(server, { funnelId: f.id, key: f.secretKey, events: [{ id: eventId(), type: "page_view", anonymousId: "m" }] })).status).toBe(202);
    const h = await until("health to show the refusal", async () => {
      const r = await healthz(server);
      return r.body.checks.events.status === "degraded" ? r : undefined;
    });
    expect(h.body.checks.events.error).toContain("Authentication failed");
    expect(h.text).not.toContain(wrong);
    expect(server.logs.join("\n")).toContain("clickhouse://aurea:***@127.0.0.1");
    expect(server.logs.join("\n")).not.toContain(wrong);
  } finally {
    await server.stop();
    await ch.close();
  }
});
