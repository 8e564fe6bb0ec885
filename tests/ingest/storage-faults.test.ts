// A disk that fills up or fails: nothing acknowledged is lost, nothing is parked for the
// disk's fault, ingest answers 503 with Retry-After, and everything resumes by itself.
// SQLite's max_page_count stands in for a full disk here (SQLITE_FULL, the same error);
// tests/ops/disk-full.test.ts fills a real tmpfs.
import { expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { DiskSpace } from "../../src/ops/disk-space";
import { createUser } from "../../src/web/auth/users";
import { client } from "../web/client";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestServer } from "../helpers/server";

/** Lets the database grow by no more than `extraPages` pages: past that, SQLITE_FULL. */
function capPages(db: Database, extraPages = 0): void {
  const { page_count } = db.query("PRAGMA page_count").get() as { page_count: number };
  db.exec(`PRAGMA max_page_count = ${page_count + extraPages}`);
}

function uncap(db: Database): void {
  db.exec("PRAGMA max_page_count = 1073741823");
}

async function until<T>(what: string, fn: () => T | null | Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await Bun.sleep(50);
  }
}

const health = async (server: TestServer) => {
  const res = await fetch(`${server.url}/healthz`);
  return { status: res.status, body: (await res.json()) as any };
};

const batch = (n: number, anon = "v") =>
  Array.from({ length: n }, () => ({ id: eventId(), type: "track", name: "signup", anonymousId: anon, props: { pad: "x".repeat(400) } }));

test("a full disk pauses processing without parking anything; it resumes by itself once space returns", async () => {
  const logs: string[] = [];
  const server = await startTestServer({ log: (l: string) => logs.push(l) });
  const f = createTestFunnel(server);
  const { sqlite } = server.ctx.store;
  try {
    capPages(sqlite);
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const events = batch(20);
      const res = await sendEvents(server, { funnelId: f.id, key: f.secretKey, events });
      expect(res.status).toBe(202); // the queue is its own file: acknowledging still works
      acked.push(...events.map((e) => e.id));
    }
    // Processing fails on the disk: health says so, with the error, and nothing is parked.
    const failing = await until("health reports the storage error", async () => {
      const h = await health(server);
      return h.body.checks?.storage?.status === "failing" ? h : null;
    });
    expect(failing.status).toBe(503);
    expect(failing.body.status).toBe("failing");
    expect(failing.body.checks.storage.fault).toBe("storage_full");
    await Bun.sleep(1500); // several retries
    expect(failing.body.database).toBe("ok");
    expect((await health(server)).body.queue.parked).toBe(0);

    uncap(sqlite);
    const events = await waitForEvents(server, f.id, f.secretKey, (es) => es.length === acked.length, 20_000);
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(acked));
    const after = await health(server);
    expect(after.body.queue.parked).toBe(0);
    // One line for the fault however many retries, one for the recovery.
    expect(logs.filter((l) => l.startsWith("processing: the disk is full"))).toHaveLength(1);
    expect(logs.filter((l) => l === "processing: storage works again")).toHaveLength(1);
  } finally {
    uncap(sqlite);
    await server.stop();
  }
}, 120_000);

test("ingest answers 503 storage_full with Retry-After when the queue cannot be written, then 202 again", async () => {
  const server = await startTestServer();
  const f = createTestFunnel(server);
  const { queue } = server.ctx.store;
  try {
    capPages(queue);
    const events = batch(50);
    const refused = await sendEvents(server, { funnelId: f.id, key: f.secretKey, events });
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe("storage_full");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    uncap(queue);
    const retried = await sendEvents(server, { funnelId: f.id, key: f.secretKey, events });
    expect(retried.status).toBe(202);
    const stored = await waitForEvents(server, f.id, f.secretKey, (es) => es.length === 50);
    expect(stored).toHaveLength(50);
  } finally {
    uncap(queue);
    await server.stop();
  }
});

test("under the free-space floor new batches are refused before the disk fills; health fails on the disk check", async () => {
  const server = await startTestServer({ minFreeDisk: { bytes: Number.MAX_SAFE_INTEGER } });
  const f = createTestFunnel(server);
  try {
    const refused = await sendEvents(server, { funnelId: f.id, key: f.secretKey, events: batch(1) });
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe("storage_full");
    expect(refused.headers.get("retry-after")).toBeTruthy();
    const h = await health(server);
    expect(h.status).toBe(503);
    expect(h.body.checks.disk.status).toBe("failing");
    expect(h.body.checks.disk.freeBytes).toBeGreaterThan(0);
    // Said once in the log, however many batches are refused.
    await sendEvents(server, { funnelId: f.id, key: f.secretKey, events: batch(1) });
    expect(server.logs.filter((l) => l.includes("under the floor"))).toHaveLength(1);

    server.ctx.ops.disk = new DiskSpace(server.dataDir, { bytes: 0 });
    expect((await sendEvents(server, { funnelId: f.id, key: f.secretKey, events: batch(1) })).status).toBe(202);
  } finally {
    await server.stop();
  }
});

test("a processing thread that dies is restarted, the death logged, and the queued events processed", async () => {
  const logs: string[] = [];
  const server = await startTestServer({ processingThread: true, log: (l: string) => logs.push(l) });
  const f = createTestFunnel(server);
  try {
    const first = batch(10);
    expect((await sendEvents(server, { funnelId: f.id, key: f.secretKey, events: first })).status).toBe(202);
    await waitForEvents(server, f.id, f.secretKey, (es) => es.length === 10);

    (server.running.processing as unknown as { thread: Worker }).thread.terminate();
    const second = batch(10);
    expect((await sendEvents(server, { funnelId: f.id, key: f.secretKey, events: second })).status).toBe(202);
    const all = await waitForEvents(server, f.id, f.secretKey, (es) => es.length === 20, 20_000);
    expect(new Set(all.map((e) => e.id))).toEqual(new Set([...first, ...second].map((e) => e.id)));
    expect(logs.some((l) => l.startsWith("processing thread died"))).toBe(true);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain("aurea_processing_thread_restarts_total 1");
  } finally {
    await server.stop();
  }
}, 120_000);

test("when the database cannot be written the read API and dashboard pages still answer; signing in answers 503", async () => {
  const server = await startTestServer();
  const f = createTestFunnel(server);
  const { sqlite } = server.ctx.store;
  const owner = { email: "owner@example.com", password: "a long enough password" };
  await createUser(server.ctx.store.db, owner);
  const signedIn = client(server);
  await signedIn.load("/login");
  expect((await signedIn.post("/login", owner)).status).toBe(303);
  try {
    const events = batch(5);
    expect((await sendEvents(server, { funnelId: f.id, key: f.secretKey, events })).status).toBe(202);
    await waitForEvents(server, f.id, f.secretKey, (es) => es.length === 5);
    // Every write fails (SQLITE_READONLY), as every write that needs a page does on a full disk.
    sqlite.exec("PRAGMA query_only = ON");
    // Rollups cannot be built (first read of this funnel): read live instead.
    const stats = await fetch(`${server.url}/api/v1/funnels/${f.id}/stats`, { headers: { authorization: `Bearer ${f.secretKey}` } });
    expect(stats.status).toBe(200);
    const page = await signedIn.get(`/funnels/${f.id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Test funnel");
    // Signing in writes a session: refused as a storage fault with Retry-After, not a 500.
    const other = client(server);
    await other.load("/login");
    const login = await other.post("/login", owner);
    expect(login.status).toBe(503);
    expect(((await login.json()) as any).error.code).toBe("storage_error");
    expect(login.headers.get("retry-after")).toBeTruthy();
  } finally {
    sqlite.exec("PRAGMA query_only = OFF");
    await server.stop();
  }
});
