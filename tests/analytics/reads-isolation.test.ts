// Dashboard reads run on a reader thread: a read that does not finish never delays an
// ingest 202 or /healthz, and one past its budget is abandoned, said so, and replaced.
// Reads are held back by a file (fixtures/held-reader-entry.ts), never by timing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ReadTimeoutError } from "../../src/analytics/reads/run";
import type { ThreadReads } from "../../src/analytics/reads/thread-reads";
import { eventId, sendEvents, startTestServer, type TestServer } from "../helpers/server";
import { sendSecret, startFixtureOn, type Fixture } from "./fixture";
import type { TEST_READS } from "./fixtures/held-reader-entry";

const ENTRY = new URL("./fixtures/held-reader-entry.ts", import.meta.url).href;

type TestReads = ThreadReads<typeof TEST_READS>;
const readsOf = (s: TestServer) => s.ctx.reads as unknown as TestReads;

async function until(what: string, condition: () => boolean | Promise<boolean>, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`gave up waiting for: ${what}`);
    await Bun.sleep(10);
  }
}

/** Settles with the promise, or says it is still pending (no timing involved). */
function tracked<T>(p: Promise<T>) {
  const t = { settled: false, promise: p.finally(() => (t.settled = true)) };
  return t;
}

describe("a read that does not finish", () => {
  let f: Fixture;
  const gate = () => join(f.server.dataDir, "hold-reads");
  const holding = () => existsSync(join(f.server.dataDir, "holding"));

  beforeAll(async () => {
    f = await startFixtureOn(await startTestServer({ readerThreads: 1, readerEntryUrl: ENTRY, queryTimeoutMs: 600_000 }));
  });
  afterAll(async () => {
    rmSync(gate(), { force: true });
    await f.server.stop();
  });

  test("delays neither an ingest 202 nor /healthz; its panel arrives once it finishes", async () => {
    writeFileSync(gate(), "");
    const panel = tracked(f.owner.get(`${f.base}/panels/sources`, { "hx-request": "true" }));
    await until("the panel's read to be running on the reader thread", holding);

    // If reads ran on the HTTP thread, neither of these would be answered before the gate opens.
    const ack = await Promise.race([
      sendSecret(f, [{ id: eventId(), type: "track", name: "while_held", anonymousId: "anon-held", ts: Date.now() }]).then(() => "202"),
      new Promise<string>((r) => setTimeout(() => r("no answer while the read was held"), 20_000)),
    ]);
    expect(ack).toBe("202");
    expect(panel.settled).toBe(false);
    const health = await Promise.race([
      fetch(`${f.server.url}/healthz`).then((r) => r.status),
      new Promise<string>((r) => setTimeout(() => r("no answer while the read was held"), 20_000)),
    ]);
    expect(health).toBe(200);
    expect(panel.settled).toBe(false);
    expect(holding()).toBe(true);

    rmSync(gate());
    const res = await panel.promise;
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Paid Social");
  }, 120_000);
});

describe("a read past its budget", () => {
  let f: Fixture;
  const gate = () => join(f.server.dataDir, "hold-reads");

  beforeAll(async () => {
    f = await startFixtureOn(await startTestServer({ readerThreads: 1, readerEntryUrl: ENTRY, queryTimeoutMs: 1000 }));
  });
  afterAll(async () => {
    rmSync(gate(), { force: true });
    await f.server.stop();
  });

  test("the panel, the page and the API say it took too long; a fresh thread serves the next read", async () => {
    writeFileSync(gate(), "");
    const before = readsOf(f.server).replaced;

    const partial = await f.owner.get(`${f.base}/panels/sources`, { "hx-request": "true" });
    expect(partial.status).toBe(503);
    expect(await partial.text()).toContain("This report took too long");
    expect(readsOf(f.server).replaced).toBe(before + 1);

    const page = await f.owner.get(`${f.base}/panels/sources`);
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain("<html");
    expect(html).toContain("This report took too long");

    const api = await fetch(`${f.server.url}/api/v1/funnels/${f.funnel.id}/stats`, { headers: { authorization: `Bearer ${f.funnel.secretKey}` } });
    expect(api.status).toBe(503);
    expect((await api.json()).error.code).toBe("query_timeout");

    rmSync(gate());
    const next = await f.owner.get(`${f.base}/panels/sources`, { "hx-request": "true" });
    expect(next.status).toBe(200);
    expect(await next.text()).toContain("Paid Social");
    expect(readsOf(f.server).replaced).toBe(before + 3);
  }, 120_000);

  test("reads queued behind it run on the fresh thread", async () => {
    writeFileSync(gate(), "");
    const reads = readsOf(f.server);
    const held = reads.run("test.hold", {});
    const queuedEvents = reads.run("api.events", { funnelId: f.funnel.id, limit: 100, before: null });
    const queuedCards = reads.run("dashboard.funnelCards", { now: Date.now() });
    expect(await held.then(() => "finished", (e) => e)).toBeInstanceOf(ReadTimeoutError);
    const [events, cards] = await Promise.all([queuedEvents, queuedCards]);
    expect(events.events.length).toBeGreaterThanOrEqual(8);
    expect(cards.get(f.funnel.id)?.visitors).toBeGreaterThan(0);
    rmSync(gate());
    expect(await reads.run("test.hold", {})).toBe("released");
  }, 120_000);
});

test("ingest keeps its 202 when a read fails with an error of its own", async () => {
  const server = await startTestServer({ readerThreads: 1 });
  try {
    const reads = server.ctx.reads;
    // @ts-expect-error an unknown read: a clear error, the thread stays
    const failed = await reads.run("no.such.read", {}).then(() => null, (e: Error) => e.message);
    expect(failed).toContain('no read named "no.such.read"');
    const res = await sendEvents(server, { funnelId: "none", events: [] });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect((server.ctx.reads as unknown as TestReads).replaced).toBe(0);
  } finally {
    await server.stop();
  }
});
