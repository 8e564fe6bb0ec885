// The live hub without a browser: a stream resumes after its Last-Event-ID exactly, a
// tab that does not read is cut with a "reload" marker once its unsent bytes pass the
// bound (server memory stays bounded), and the processing listener stays idle while
// no stream is open.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { LiveHub } from "../../src/live/hub";
import { liveListener } from "../../src/live/watch";
import type { StoredEvent } from "../../src/pipeline/stored-event";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

let server: TestServer;
let funnel: TestFunnel;
let sent = 0;

async function send(n: number, prefix: string) {
  const events = Array.from({ length: n }, (_, i) => ({ id: eventId(), type: "track", name: `${prefix}_${i}`, anonymousId: "v", url: "https://shop.example/p" }));
  expect((await sendEvents(server, { funnelId: funnel.id, events }, { authorization: `Bearer ${funnel.secretKey}` })).status).toBe(202);
  sent += n;
  await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length >= sent);
}

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  let text = "";
  const dec = new TextDecoder();
  const deadline = Date.now() + 10_000;
  while (!done(text) && Date.now() < deadline) {
    const r = await reader.read();
    if (r.done) break;
    text += dec.decode(r.value);
  }
  return text;
}

/** The event store's reader (SQLite's, or ClickHouse's with AUREA_TEST_EVENTS=clickhouse), and its newest event's cursor. */
const dashboard = () => server.ctx.store.events.dashboard;
const newest = async () => await dashboard().liveCursor();

beforeAll(async () => {
  server = await startTestServer();
  funnel = createTestFunnel(server);
});
afterAll(() => server?.stop());

test("a stream opened with a cursor sends exactly the rows after it, then new ones with their ids", async () => {
  await send(3, "old");
  const cursor = await newest();
  await send(2, "missed");
  const missed = await newest();
  const hub = new LiveHub(dashboard(), { now: () => Date.now(), coalesceMs: 1 });
  const reader = hub.open(funnel.id, [], "UTC", cursor, {}).body!.getReader();
  const first = await readUntil(reader, (t) => t.includes("event: now"));
  expect(first).toStartWith("retry: 2000\n\n");
  expect(first).toContain(`id: ${missed}\nevent: rows\n`);
  expect(first).toContain("missed_0");
  expect(first).toContain("missed_1");
  expect(first).not.toContain("old_");
  await send(1, "fresh");
  const fresh = await newest();
  hub.notify([funnel.id]);
  const next = await readUntil(reader, (t) => t.includes("fresh_0"));
  expect(next).toContain(`id: ${fresh}\nevent: rows\n`);
  expect(next).not.toContain("missed_");
  hub.stop();
});

test("a burst larger than the timeline sends its newest rows and says so", async () => {
  const hub = new LiveHub(dashboard(), { now: () => Date.now(), coalesceMs: 1, maxRows: 5 });
  const reader = hub.open(funnel.id, [], "UTC", null, {}).body!.getReader();
  await readUntil(reader, (t) => t.includes("event: now"));
  await send(8, "wave");
  const latest = await newest();
  hub.notify([funnel.id]);
  const text = await readUntil(reader, (t) => t.includes("newest."));
  expect(text).toContain(`id: ${latest}\nevent: rows\n`);
  for (let i = 3; i < 8; i++) expect(text).toContain(`wave_${i}<`);
  for (let i = 0; i < 3; i++) expect(text).not.toContain(`wave_${i}<`);
  expect(text).toContain("More events arrived at once than the timeline lists");
  hub.stop();
});

test("a tab that does not read is told to reload and dropped: its unsent bytes stay bounded", async () => {
  const hub = new LiveHub(dashboard(), { now: () => Date.now(), coalesceMs: 1, maxQueuedBytes: 4096 });
  const res = hub.open(funnel.id, [], "UTC", null, {});
  expect(hub.size).toBe(1);
  await send(20, "burst");
  hub.notify([funnel.id]);
  const deadline = Date.now() + 10_000;
  while (hub.size > 0 && Date.now() < deadline) await Bun.sleep(10);
  expect(hub.size).toBe(0);
  const text = await res.text();
  expect(text).toEndWith("event: reload\ndata: the connection is too slow\n\n");
  expect(text.length).toBeLessThan(4096 + 200);
  expect(text).not.toContain("burst_");
  hub.stop();
});

test("a stream whose access is taken away ends at the next heartbeat; others keep going", async () => {
  const hub = new LiveHub(dashboard(), { now: () => Date.now(), coalesceMs: 1, heartbeatMs: 20 });
  let allowed = true;
  const revoked = hub.open(funnel.id, [], "UTC", null, {}, false, () => allowed);
  const other = hub.open(funnel.id, [], "UTC", null, {}, false, () => true);
  const reader = other.body!.getReader();
  await readUntil(reader, (t) => t.includes(": heartbeat"));
  expect(hub.size).toBe(2);
  allowed = false;
  const deadline = Date.now() + 10_000;
  while (hub.size > 1 && Date.now() < deadline) await Bun.sleep(10);
  expect(hub.size).toBe(1);
  expect(await revoked.text()).not.toContain("event: reload");
  expect(await readUntil(reader, (t) => t.includes(": heartbeat"))).toContain(": heartbeat");
  hub.stop();
});

test("with no stream open the processing listener does nothing", () => {
  let emitted = 0;
  const funnels = new Set<string>();
  const listener = liveListener({ funnels, emit: () => emitted++ });
  const e = { funnelId: funnel.id } as StoredEvent;
  listener([e, e], { newContacts: [] });
  funnels.add("another");
  listener([e], { newContacts: [] });
  return Bun.sleep(5).then(() => expect(emitted).toBe(0));
});
