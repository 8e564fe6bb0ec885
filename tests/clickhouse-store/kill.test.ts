// kill -9 of a server writing to ClickHouse loses no acknowledged event and stores none twice:
// batches leave the queue only after ClickHouse acknowledged their rows, and a run redone
// after the crash finds the rows that did land.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { parseClickHouseUrl } from "../../src/store/clickhouse/connection";
import { startTestClickHouse, type TestClickHouse } from "../helpers/clickhouse";
import { runCli, spawnServe } from "../helpers/process";
import { DESKTOP_CHROME, eventId, startTestServer, tempDir } from "../helpers/server";
import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { queueDrained, rows, until } from "./helpers";

let ch: TestClickHouse;
beforeAll(async () => {
  ch = await startTestClickHouse();
});
afterAll(() => ch.close());

test("kill -9 in the middle of writing to ClickHouse loses no acknowledged event, and stores none twice", async () => {
  const client = createClient({ url: ch.url, username: ch.username, password: ch.password, database: ch.database, log: { level: ClickHouseLogLevel.OFF } });
  const dataDir = tempDir();
  const created = await runCli(["funnel", "create", "--name", "Load", "--url", "https://shop.example", "--data", dataDir, "--json"]);
  expect(created.code).toBe(0);
  const f = JSON.parse(created.stdout);
  const child = await spawnServe(dataDir, ["--events", ch.eventsUrl]);
  expect(child.output()).not.toContain(ch.password);
  const acked: string[] = [];
  let stop = false;
  const sender = async () => {
    while (!stop) {
      const batch = Array.from({ length: 10 }, () => ({ id: eventId(), type: "page_view", anonymousId: `k-${acked.length % 50}`, url: "https://shop.example/" }));
      try {
        const r = await fetch(`${child.url}/api/track/events`, {
          method: "POST",
          headers: { "content-type": "text/plain", origin: "https://shop.example", "user-agent": DESKTOP_CHROME },
          body: JSON.stringify({ funnelId: f.id, key: f.publicKey, events: batch }),
        });
        if (r.status === 202) acked.push(...batch.map((e) => e.id));
      } catch {
        return; // the server is gone
      }
    }
  };
  const senders = Array.from({ length: 6 }, sender);
  const count = async () => Number((await rows<{ n: string }>(client, "SELECT count() AS n FROM events WHERE funnel_id = {f:String}", { f: f.id }).catch(() => [{ n: "0" }]))[0]?.n ?? 0);
  // Killed once ClickHouse holds some of the events and more keep coming: runs are in flight.
  await until("ClickHouse to hold some events", async () => (acked.length >= 1500 && (await count()) > 0 ? true : undefined), 60_000).catch((e) => {
    console.log(child.output());
    throw e;
  });
  child.proc.kill(9);
  stop = true;
  await Promise.all(senders);
  await child.proc.exited;

  const after = await startTestServer({ dataDir, keepData: true, processingThread: true, eventStore: parseClickHouseUrl(ch.eventsUrl) });
  try {
    await queueDrained(after, 60_000).catch((e) => {
      console.log(after.logs.join("\n"));
      throw e;
    });
    const stored = await rows<{ id: string }>(client, "SELECT id FROM events WHERE funnel_id = {f:String}", { f: f.id });
    const ids = new Set(stored.map((r) => r.id));
    expect(stored.length).toBe(ids.size); // none twice
    expect(acked.filter((id) => !ids.has(id))).toEqual([]); // none lost
    expect(acked.length).toBeGreaterThanOrEqual(1500);
  } finally {
    await after.stop();
    await client.close();
  }
});
