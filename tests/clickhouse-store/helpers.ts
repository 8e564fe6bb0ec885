// A real Aurea server whose events go to ClickHouse (the chDB adapter, tests/helpers/clickhouse.ts),
// and the questions tests ask ClickHouse directly.
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import { queueCounts } from "../../src/pipeline/batch-list";
import { parseClickHouseUrl } from "../../src/store/clickhouse/connection";
import { startTestClickHouse, type TestClickHouse } from "../helpers/clickhouse";
import { startTestServer, type TestServer } from "../helpers/server";

export interface ClickHouseServer {
  ch: TestClickHouse;
  server: TestServer;
  client: ClickHouseClient;
  stop(): Promise<void>;
}

export async function startClickHouseServer(opts: { password?: string } = {}): Promise<ClickHouseServer> {
  const ch = await startTestClickHouse({ password: opts.password });
  const server = await startTestServer({ processingThread: true, rateLimitPerMinute: 0, eventStore: parseClickHouseUrl(ch.eventsUrl) });
  const client = createClient({ url: ch.url, username: ch.username, password: ch.password, database: ch.database, log: { level: ClickHouseLogLevel.OFF } });
  return {
    ch,
    server,
    client,
    async stop() {
      await server.stop();
      await client.close();
      await ch.close();
    },
  };
}

export async function rows<T = Record<string, unknown>>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await client.query({ query, query_params: params, format: "JSONEachRow" });
  return rs.json<T>();
}

/** Polls until check() returns a value other than undefined, or fails after timeoutMs with what it saw. */
export async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

/** Polls until no batch is pending in the server's queue (each left it after ClickHouse acknowledged it). */
export function queueDrained(server: TestServer, timeoutMs = 30_000): Promise<true> {
  return until("the queue to drain", () => (queueCounts(server.ctx.store.queue).pending === 0 ? true : undefined), timeoutMs);
}

export async function healthz(server: { url: string }): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${server.url}/healthz`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}
