// /healthz reports each check and keeps its old top-level fields; /metrics speaks the
// Prometheus text format (checked by a strict parser below) and is only for a token
// holder or a direct loopback request.
import { expect, test } from "bun:test";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents } from "../helpers/server";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses the text exposition format 0.0.4 strictly: HELP/TYPE lines, one TYPE per
 * family before its samples, valid names and label syntax, numeric values, histogram
 * buckets cumulative with +Inf equal to _count. Throws on anything else.
 */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  if (!text.endsWith("\n")) throw new Error("exposition must end with a newline");
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.startsWith("# HELP ")) {
      if (!NAME.test(line.split(" ")[2])) throw new Error(`bad HELP line: ${line}`);
      continue;
    }
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      if (!NAME.test(name) || !["counter", "gauge", "histogram", "summary", "untyped"].includes(type)) throw new Error(`bad TYPE line: ${line}`);
      if (types.has(name)) throw new Error(`second TYPE for ${name}`);
      types.set(name, type);
      continue;
    }
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/);
    if (!m) throw new Error(`bad sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\n"])*)"(,|$)/y;
      let at = 0;
      while (at < m[3].length) {
        re.lastIndex = at;
        const l = re.exec(m[3]);
        if (!l) throw new Error(`bad labels: ${m[3]}`);
        labels[l[1]] = l[2];
        at = re.lastIndex;
      }
    }
    const value = m[4] === "+Inf" ? Infinity : m[4] === "-Inf" ? -Infinity : Number(m[4]);
    if (m[4] !== "NaN" && Number.isNaN(value)) throw new Error(`bad value: ${line}`);
    const family = types.has(m[1]) ? m[1] : m[1].replace(/_(bucket|sum|count)$/, "");
    if (!types.has(family)) throw new Error(`sample before its TYPE: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  for (const [name, type] of types) {
    if (type !== "histogram") continue;
    const buckets = samples.filter((s) => s.name === `${name}_bucket`);
    for (let i = 1; i < buckets.length; i++) if (buckets[i].value < buckets[i - 1].value) throw new Error(`${name}: buckets not cumulative`);
    const inf = buckets.find((b) => b.labels.le === "+Inf");
    const count = samples.find((s) => s.name === `${name}_count`);
    if (!inf || !count || inf.value !== count.value) throw new Error(`${name}: +Inf bucket must equal _count`);
  }
  return { types, samples };
}

test("the parser refuses what is not the exposition format", () => {
  expect(() => parseExposition("aurea_x 1\n")).toThrow("before its TYPE");
  expect(() => parseExposition("# TYPE aurea_x counter\naurea_x{a=b} 1\n")).toThrow("bad labels");
  expect(() => parseExposition("# TYPE aurea_x counter\naurea_x one\n")).toThrow("bad value");
});

test("/healthz: ok with every check, the old fields kept", async () => {
  // No floor: the machine's own free space must not decide this test.
  const server = await startTestServer({ minFreeDisk: { bytes: 0 } });
  try {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.status).toBe("ok");
    expect(body.database).toBe("ok");
    expect(body.queue).toEqual({ pending: 0, parked: 0, inMemory: 0 });
    for (const check of ["database", "queue", "processing", "disk", "wal", "storage", "deliveries", "files"]) {
      expect(body.checks[check].status).toBe("ok");
    }
    expect(body.checks.disk.freeBytes).toBeGreaterThan(0);
    expect(typeof body.checks.processing.lastRunAgeSeconds).toBe("number");
    expect(typeof body.checks.wal.databaseBytes).toBe("number");
  } finally {
    await server.stop();
  }
});

test("/healthz fails when processing is stuck with work pending, and recovers", async () => {
  const server = await startTestServer();
  const f = createTestFunnel(server);
  try {
    server.running.worker!.stop(); // processing halts: nothing runs
    server.ctx.ops.processing.lastRunAt = Date.now() - 120_000;
    expect((await sendEvents(server, { funnelId: f.id, key: f.secretKey, events: [{ id: eventId(), type: "track", name: "x", anonymousId: "s" }] })).status).toBe(202);
    const res = await fetch(`${server.url}/healthz`);
    const body = (await res.json()) as any;
    expect(res.status).toBe(503);
    expect(body.status).toBe("failing");
    expect(body.checks.processing.status).toBe("failing");
    server.running.worker!.start();
    await waitForEvents(server, f.id, f.secretKey, (es) => es.length === 1);
    const after = await fetch(`${server.url}/healthz`);
    expect(after.status).toBe(200);
    expect(((await after.json()) as any).checks.processing.status).toBe("ok");
  } finally {
    await server.stop();
  }
});

test("/metrics: valid Prometheus text with the ingest, processing, queue, WAL, disk and delivery families", async () => {
  const server = await startTestServer();
  const f = createTestFunnel(server);
  try {
    const events = [
      { id: eventId(), type: "track", name: "x", anonymousId: "m" },
      { id: eventId(), type: "track", name: "x", anonymousId: "m" },
      { type: "nope" },
    ];
    expect((await sendEvents(server, { funnelId: f.id, key: f.secretKey, events })).status).toBe(202);
    expect((await sendEvents(server, { funnelId: f.id, key: "sk_wrong", events })).status).toBe(401);
    await waitForEvents(server, f.id, f.secretKey, (es) => es.length === 2);
    await fetch(`${server.url}/api/v1/funnels/${f.id}/events`, { headers: { authorization: `Bearer ${f.secretKey}` } });

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
    const { types, samples } = parseExposition(await res.text());
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value("aurea_ingest_requests_total", { status: "202" })).toBe(1);
    expect(value("aurea_ingest_requests_total", { status: "401" })).toBe(1);
    expect(value("aurea_events_accepted_total")).toBe(2);
    expect(value("aurea_events_dropped_total", { reason: "invalid" })).toBe(1);
    expect(value("aurea_events_processed_total")).toBe(2);
    expect(value("aurea_queue_pending_batches")).toBe(0);
    expect(value("aurea_ingest_fsync_seconds_count")).toBeGreaterThan(0);
    expect(value("aurea_processing_commit_seconds_count")).toBeGreaterThan(0);
    expect(value("aurea_dashboard_request_seconds_count")).toBeGreaterThan(0);
    expect(value("aurea_disk_free_bytes")).toBeGreaterThan(0);
    for (const family of ["aurea_wal_bytes", "aurea_processing_lag_seconds", "aurea_deliveries", "aurea_processing_fsync_seconds", "aurea_storage_errors_total"]) {
      expect(types.has(family)).toBe(true);
    }
    expect(samples.find((s) => s.name === "aurea_wal_bytes" && s.labels.database === "aurea")).toBeDefined();
  } finally {
    await server.stop();
  }
});

test("/metrics is refused through a proxy on the same host and without the token, served with it", async () => {
  const token = "t".repeat(32);
  const server = await startTestServer({ metricsToken: token });
  try {
    expect((await fetch(`${server.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.7" } })).status).toBe(403);
    expect((await fetch(`${server.url}/metrics`, { headers: { forwarded: "for=203.0.113.7" } })).status).toBe(403);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(403);
    const withToken = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}`, "x-forwarded-for": "203.0.113.7" } });
    expect(withToken.status).toBe(200);
    // A direct loopback request without forwarding headers is served.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  } finally {
    await server.stop();
  }
});
