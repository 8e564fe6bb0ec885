// A real Aurea server for tests: real SQLite in a temp dir, real HTTP on 127.0.0.1:random.
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServeConfig } from "../../src/config";
import type { AppContext } from "../../src/context";
import { createFunnel } from "../../src/funnels/store";
import { startServer, type RunningServer } from "../../src/server";
import { queueCounts } from "../../src/pipeline/batch-list";
import { parseClickHouseUrl } from "../../src/store/clickhouse/connection";
import { startTestClickHouse, type TestClickHouse } from "./clickhouse";

/**
 * AUREA_TEST_EVENTS=clickhouse runs every test server with its events in ClickHouse (the
 * chDB adapter, ./clickhouse.ts; the processing thread on, as that store needs), so a
 * test file runs against both stores with the same expectations.
 */
export const TEST_EVENTS: "sqlite" | "clickhouse" = process.env.AUREA_TEST_EVENTS === "clickhouse" ? "clickhouse" : "sqlite";

export interface TestServer {
  url: string;
  dataDir: string;
  ctx: AppContext;
  running: RunningServer;
  /** What the server logged. */
  logs: string[];
  /** The ClickHouse the server's events go to (AUREA_TEST_EVENTS=clickhouse), else null. */
  clickhouse: TestClickHouse | null;
  stop(): Promise<void>;
}

export function tempDir(prefix = "aurea-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A tempDir maker for one test file: every directory it made is removed after the file's tests. */
export function tempDirsRemovedAfterAll(): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
}

export async function startTestServer(
  opts: Partial<ServeConfig> & { keepData?: boolean; now?: () => number; log?: (line: string) => void; readerEntryUrl?: string } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const { keepData, now, log, readerEntryUrl, ...overrides } = opts;
  const clickhouse = TEST_EVENTS === "clickhouse" && overrides.eventStore === undefined ? await startTestClickHouse() : null;
  if (clickhouse) Object.assign(overrides, { eventStore: parseClickHouseUrl(clickhouse.eventsUrl), processingThread: true });
  const config: ServeConfig = {
    port: 0,
    host: "127.0.0.1",
    dataDir,
    geoipPath: null,
    trustProxy: false,
    allowPrivateWebhooks: false,
    rateLimitPerMinute: 6000,
    queueHighWater: 20000,
    processingThread: false,
    readerThreads: 1,
    queryTimeoutMs: 10_000,
    ...overrides,
  };
  const logs: string[] = [];
  const running = await startServer(config, { log: log ?? ((l) => logs.push(l)), now, readerEntryUrl });
  const url = `http://127.0.0.1:${running.port}`;
  return {
    url,
    dataDir,
    ctx: running.ctx,
    running,
    logs,
    clickhouse,
    async stop() {
      await running.stop();
      await clickhouse?.close();
      if (!keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestFunnel {
  id: string;
  publicKey: string;
  secretKey: string;
}

export function createTestFunnel(server: TestServer | AppContext, input: { name?: string; url?: string; origins?: string[] } = {}): TestFunnel {
  const ctx = "ctx" in server ? server.ctx : server;
  const { funnel, publicKey, secretKey } = createFunnel(ctx.store.db, {
    name: input.name ?? "Test funnel",
    url: input.url ?? "https://shop.example",
    origins: input.origins,
  });
  return { id: funnel.id, publicKey, secretKey };
}

export async function sendEvents(
  server: { url: string },
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${server.url}/api/track/events`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": DESKTOP_CHROME, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

/** Every accepted batch processed: at once with inline processing, else once the processing thread left none queued. */
export async function processed(server: TestServer, timeoutMs = 30_000): Promise<void> {
  if (server.running.worker) return server.running.worker.drain();
  const deadline = Date.now() + timeoutMs;
  while (queueCounts(server.ctx.store.queue).pending > 0) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the queue to be processed");
    await Bun.sleep(10);
  }
}

export async function apiGet(server: { url: string }, path: string, secretKey: string): Promise<any> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${secretKey}` } });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Polls the read API until `predicate` holds for the funnel's events, or fails after timeoutMs. */
export async function waitForEvents(
  server: { url: string },
  funnelId: string,
  secretKey: string,
  predicate: (events: any[]) => boolean,
  timeoutMs = 10_000,
): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  let events: any[] = [];
  while (Date.now() < deadline) {
    events = (await apiGet(server, `/api/v1/funnels/${funnelId}/events?limit=1000`, secretKey)).events;
    if (predicate(events)) return events;
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for events; have ${events.length}: ${JSON.stringify(events.map((e) => e.name))}`);
}

export const DESKTOP_CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
export const IPHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

let counter = 0;
export function eventId(): string {
  return crypto.randomUUID?.() ?? `e-${Date.now()}-${counter++}`;
}
