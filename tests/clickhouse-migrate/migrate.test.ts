// `aurea events migrate --to clickhouse://…` as a user runs it (the CLI in a child process),
// into the real ClickHouse engine behind the test adapter: afterwards every reader gives on
// ClickHouse the answers it gave on SQLite; a copy killed with SIGKILL resumes and ends with
// the same rows, none twice; an unreachable server or a running one is a clear refusal.
import { afterAll, expect, test } from "bun:test";
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openStore, type Store } from "../../src/db/open";
import { clickhouseReaders } from "../../src/store/clickhouse/readers";
import { startTestClickHouse, type TestClickHouse } from "../helpers/clickhouse";
import { aureaCommand, runCli } from "../helpers/process";
import { apiGet, createTestFunnel, sendEvents, startTestServer, tempDirsRemovedAfterAll } from "../helpers/server";
import { parseClickHouseUrl } from "../../src/store/clickhouse/connection";
import { rows, until } from "../clickhouse-store/helpers";
import { ask, type Readers } from "./questions";
import { visitOf, writeStory } from "./story";

const tempDir = tempDirsRemovedAfterAll();

const NOW = Date.now();
const opened: { store: Store; client: ClickHouseClient; ch: TestClickHouse }[] = [];

afterAll(async () => {
  for (const o of opened) {
    o.store.close();
    await o.client.close();
    await o.ch.close();
  }
});

/** The data directory's SQLite readers and the ClickHouse readers over the same contacts. */
async function bothStores(dataDir: string, ch: TestClickHouse): Promise<{ sqlite: Readers; clickhouse: Readers; client: ClickHouseClient; store: Store }> {
  const store = openStore(dataDir);
  const client = createClient({ url: ch.url, username: ch.username, password: ch.password, database: ch.database, log: { level: ClickHouseLogLevel.OFF } });
  opened.push({ store, client, ch });
  return { sqlite: store.events, clickhouse: clickhouseReaders(client, store.sqlite), client, store };
}

function expectSameAnswers(a: Record<string, unknown>, b: Record<string, unknown>): void {
  expect(Object.keys(b)).toEqual(Object.keys(a));
  for (const key of Object.keys(a)) expect([key, b[key]]).toEqual([key, a[key]]);
}

const count = async (client: ClickHouseClient, sql: string) => Number((await rows<{ n: string }>(client, sql))[0].n);

test("after events migrate, ClickHouse answers every dashboard and funnel question as SQLite did", async () => {
  const ch = await startTestClickHouse({ password: "s3cret-pass" });
  const dataDir = tempDir();
  const server = await startTestServer({ dataDir, keepData: true, eventStore: null, rateLimitPerMinute: 0 });
  const shop = createTestFunnel(server);
  const other = createTestFunnel(server, { name: "Other", url: "https://other.example" });
  let total: number;
  let statsBefore: unknown;
  const statsPath = (id: string) => `/api/v1/funnels/${id}/stats?from=${new Date(NOW - 7 * 86_400_000).toISOString()}&to=${new Date(NOW + 60_000).toISOString()}`;
  try {
    total = await writeStory(server, shop, NOW);
    const r = await sendEvents(server, { funnelId: other.id, key: other.publicKey, events: [{ id: crypto.randomUUID(), type: "page_view", anonymousId: crypto.randomUUID(), url: "https://other.example/" }] }, { origin: "https://other.example" });
    expect(r.status).toBe(202);
    server.running.worker!.drain();
    statsBefore = await apiGet(server, statsPath(shop.id), shop.secretKey);
  } finally {
    await server.stop();
  }

  const run = await runCli(["events", "migrate", "--to", ch.eventsUrl, "--data", dataDir]);
  expect([run.code, run.stderr]).toEqual([0, ""]);
  expect(run.stdout).toContain(`Copied ${total + 1} events`);
  expect(run.stdout).toContain("clickhouse://aurea:***@127.0.0.1");
  expect(run.stdout + run.stderr).not.toContain(ch.password);

  const { sqlite, clickhouse, client } = await bothStores(dataDir, ch);
  const before = await ask(sqlite, shop.id, NOW, 7, { sessionId: visitOf(4) });
  const after = await ask(clickhouse, shop.id, NOW, 7, { sessionId: visitOf(4) });
  expectSameAnswers(before, after);
  // The answers are about something: visits, revenue, every step reached, the no-visit payment's refund.
  const overview = before["overview no filter"] as { current: { tally: { visits: number } } };
  expect(overview.current.tally.visits).toBeGreaterThan(30);
  expect(JSON.stringify(before["revenue last_touch channel"])).toContain("USD");
  expect((before["steps undefined sequential"] as { steps: { visitors: number }[] }).steps.slice(0, 4).every((s) => s.visitors > 0)).toBe(true);
  expectSameAnswers(await ask(sqlite, other.id, NOW, 7), await ask(clickhouse, other.id, NOW, 7));

  // The server started on ClickHouse, as the command says, answers the read API as before.
  const onClickHouse = await startTestServer({ dataDir, keepData: true, processingThread: true, rateLimitPerMinute: 0, eventStore: parseClickHouseUrl(ch.eventsUrl) });
  try {
    expect(await apiGet(onClickHouse, statsPath(shop.id), shop.secretKey)).toEqual(statsBefore);
  } finally {
    await onClickHouse.stop();
  }

  // Run again: nothing new to copy, nothing twice.
  const again = await runCli(["events", "migrate", "--to", ch.eventsUrl, "--data", dataDir]);
  expect([again.code, again.stderr]).toEqual([0, ""]);
  expect(again.stdout).toContain("Copied 0 events");
  expect(await count(client, "SELECT count() AS n FROM events")).toBe(total + 1);
  expectSameAnswers(before, await ask(clickhouse, shop.id, NOW, 7, { sessionId: visitOf(4) }));
}, 240_000);

test("a copy killed with SIGKILL half-way resumes and ends with the same rows, none twice", async () => {
  const ch = await startTestClickHouse();
  const dataDir = tempDir();
  const seeded = await runCli(["seed-demo", "--create", "--events", "20000", "--days", "20", "--seed", "7", "--json", "--data", dataDir]);
  expect(seeded.code).toBe(0);
  const funnelId = JSON.parse(seeded.stdout).funnelId as string;

  const child = Bun.spawn([...aureaCommand(), "events", "migrate", "--to", ch.eventsUrl, "--data", dataDir, "--chunk", "400"], { stdout: "pipe", stderr: "pipe" });
  const output = new Response(child.stdout).text();
  const client = createClient({ url: ch.url, username: ch.username, password: ch.password, database: ch.database, log: { level: ClickHouseLogLevel.OFF } });
  const progress = async () => {
    const found = await rows<{ s: [string, string] }>(client, "SELECT argMax((cursor, until), (at, cursor)) AS s FROM aurea_copy_progress WHERE phase = 'events'");
    return found.length ? { cursor: Number(found[0].s[0]), until: Number(found[0].s[1]) } : null;
  };
  await until("the copy to have stored some events", async () => ((await progress())?.cursor ?? 0) > 0 || undefined, 120_000);
  child.kill(9);
  await child.exited;
  const atKill = (await progress())!;
  expect(atKill.cursor).toBeGreaterThan(0);
  expect(atKill.cursor).toBeLessThan(atKill.until); // killed half-way, not after the end
  expect(await output).toContain("Copying the event history");

  const resumed = await runCli(["events", "migrate", "--to", ch.eventsUrl, "--data", dataDir]);
  expect([resumed.code, resumed.stderr]).toEqual([0, ""]);
  expect(resumed.stdout).toContain(`events: resuming after ${atKill.cursor} (chunks of 400 rows)`);
  expect(resumed.stdout).toMatch(/events: [\d,]+ \/ [\d,]+ \(100\.0 %\), [\d,]+ rows\/s/);

  const { sqlite, clickhouse, store } = await bothStores(dataDir, ch);
  const inSqlite = store.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM events").get()!.n;
  expect(await count(client, "SELECT count() AS n FROM events")).toBe(inSqlite);
  expect(await count(client, "SELECT uniqExact(funnel_id, id) AS n FROM events")).toBe(inSqlite);
  expect(await count(client, "SELECT count() AS n FROM event_ids")).toBe(inSqlite);
  const links = store.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM contact_visitors").get()!.n;
  expect(await count(client, "SELECT count() AS n FROM visitor_contacts FINAL")).toBe(links);
  // Every visit folded once: the same numbers as SQLite's, on every question.
  expectSameAnswers(await ask(sqlite, funnelId, NOW, 21), await ask(clickhouse, funnelId, NOW, 21));
  await client.close();
}, 300_000);

test("an unreachable ClickHouse, a wrong password or a running server: a clear refusal, the password masked, and a rerun works", async () => {
  const ch = await startTestClickHouse({ password: "right-pass-42" });
  const dataDir = tempDir();
  expect((await runCli(["seed-demo", "--create", "--events", "500", "--days", "5", "--seed", "3", "--data", dataDir])).code).toBe(0);

  const down = await runCli(["events", "migrate", "--data", dataDir], { env: { AUREA_EVENTS_URL: "clickhouse://aurea:hunter2-secret@127.0.0.1:1/aurea" } });
  expect(down.code).toBe(1);
  expect(down.stderr).toContain("ClickHouse at clickhouse://aurea:***@127.0.0.1:1/aurea is unavailable");
  expect(down.stderr).toContain("run the same command again");
  expect(down.stdout + down.stderr).not.toContain("hunter2-secret");

  const wrong = await runCli(["events", "migrate", "--to", ch.eventsUrl.replace("right-pass-42", "wrong-pass-99"), "--data", dataDir]);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain("Authentication failed");
  expect(wrong.stdout + wrong.stderr).not.toContain("wrong-pass-99");

  // A server on the data directory (its pid file names a live process: this one).
  writeFileSync(join(dataDir, "aurea.pid"), `${process.pid}\n`);
  const busy = await runCli(["events", "migrate", "--to", ch.eventsUrl, "--data", dataDir]);
  expect(busy.code).toBe(1);
  expect(busy.stderr).toContain(`a server (pid ${process.pid}) is running on`);
  rmSync(join(dataDir, "aurea.pid"));

  const ok = await runCli(["events", "migrate", "--to", ch.eventsUrl, "--data", dataDir]);
  expect([ok.code, ok.stderr]).toEqual([0, ""]);
  const { client, store } = await bothStores(dataDir, ch);
  expect(await count(client, "SELECT count() AS n FROM events")).toBe(store.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM events").get()!.n);

  // Another history into the same database is refused: the two would mix.
  const otherDir = tempDir();
  expect((await runCli(["seed-demo", "--create", "--events", "100", "--days", "2", "--seed", "4", "--data", otherDir])).code).toBe(0);
  const mixed = await runCli(["events", "migrate", "--to", ch.eventsUrl, "--data", otherDir]);
  expect(mixed.code).toBe(1);
  expect(mixed.stderr).toContain("already holds");
  expect(mixed.stdout + mixed.stderr).not.toContain("right-pass-42");
}, 180_000);
