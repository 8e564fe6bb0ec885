// The test-only ClickHouse (tests/helpers/clickhouse.ts) speaks enough of the HTTP
// interface for the real @clickhouse/client: DDL, inserts, selects with params and
// settings, errors the client parses, wrong passwords, and down/up over the same data.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createClient, type ClickHouseClient, ClickHouseError } from "@clickhouse/client";
import { startTestClickHouse, type TestClickHouse } from "../helpers/clickhouse";

let ch: TestClickHouse;
let client: ClickHouseClient;

beforeAll(async () => {
  ch = await startTestClickHouse();
  client = createClient({ url: ch.url, username: ch.username, password: ch.password, database: ch.database });
});

afterAll(async () => {
  await client.close();
  await ch.close();
});

test("creates a table, inserts JSONEachRow rows, selects them back with bound params", async () => {
  expect((await client.ping()).success).toBe(true);
  await client.command({ query: "CREATE TABLE t (id UInt32, name String, tags Array(String)) ENGINE = MergeTree ORDER BY id" });
  const rows = [
    { id: 1, name: "tab\there", tags: ["a"] },
    { id: 2, name: "quote ' and \\ slash", tags: ["b", "c'd"] },
    { id: 3, name: "line\nbreak", tags: [] },
  ];
  const ins = await client.insert({ table: "t", values: rows, format: "JSONEachRow" });
  expect(ins.executed).toBe(true);
  expect(ins.summary?.written_rows).toBe("3");

  const all = await client.query({ query: "SELECT id, name, tags FROM t ORDER BY id", format: "JSONEachRow" });
  expect(await all.json()).toEqual(rows);

  const one = await client.query({
    query: "SELECT id FROM t WHERE name = {name:String} OR has({tags:Array(String)}, 'c''d') = 0 AND id > {min:UInt32} ORDER BY id",
    query_params: { name: "tab\there", tags: ["c'd"], min: 10 },
    format: "JSONEachRow",
  });
  expect(await one.json()).toEqual([{ id: 1 }]);

  const json = await client.query({ query: "SELECT count() AS n FROM t", format: "JSON" });
  expect(((await json.json()) as { data: { n: string }[] }).data).toEqual([{ n: "3" }]);
});

test("a large insert (50k rows, several MB) arrives whole", async () => {
  await client.command({ query: "CREATE TABLE big (id UInt32, pad String) ENGINE = MergeTree ORDER BY id" });
  const values = Array.from({ length: 50_000 }, (_, id) => ({ id, pad: "x".repeat(100) }));
  await client.insert({ table: "big", values, format: "JSONEachRow" });
  const res = await client.query({ query: "SELECT count() AS n, sum(id) AS s FROM big", format: "JSONEachRow" });
  expect(await res.json()).toEqual([{ n: "50000", s: String((49_999 * 50_000) / 2) }]);
});

test("settings reach the engine for one query only", async () => {
  const q = async (settings?: Record<string, string | number>) =>
    (await (await client.query({ query: "SELECT getSetting('max_threads') AS v", format: "JSONEachRow", clickhouse_settings: settings as never })).json()) as { v: number }[];
  expect(await q({ max_threads: 1 })).toEqual([{ v: 1 }]);
  expect((await q())[0].v).not.toBe(1);
});

test("an error arrives as a ClickHouseError with the server's code and type", async () => {
  const err = await client.query({ query: "SELECT * FROM no_such_table", format: "JSONEachRow" }).catch((e) => e);
  expect(err).toBeInstanceOf(ClickHouseError);
  expect(err.code).toBe("60");
  expect(err.type).toBe("UNKNOWN_TABLE");

  const syntax = await client.command({ query: "SELECT 1 +" }).catch((e) => e);
  expect(syntax).toBeInstanceOf(ClickHouseError);
  expect(syntax.code).toBe("62");

  const bad = await client.insert({ table: "t", values: [{ id: "not a number" }], format: "JSONEachRow" }).catch((e) => e);
  expect(bad).toBeInstanceOf(ClickHouseError);
  expect(Number(bad.code)).toBeGreaterThan(0);
});

test("a wrong password is refused", async () => {
  const wrong = createClient({ url: ch.url, username: ch.username, password: "nope", database: ch.database });
  const err = await wrong.query({ query: "SELECT 1", format: "JSONEachRow" }).catch((e) => e);
  expect(err).toBeInstanceOf(ClickHouseError);
  expect(err.type).toBe("AUTHENTICATION_FAILED");
  await wrong.close();
});

test("down and back up on the same port over the same data", async () => {
  await client.command({ query: "CREATE TABLE IF NOT EXISTS kept (x UInt8) ENGINE = MergeTree ORDER BY x" });
  await client.insert({ table: "kept", values: [{ x: 7 }], format: "JSONEachRow" });
  await ch.stop();
  expect((await client.ping()).success).toBe(false);
  await ch.start();
  const deadline = Date.now() + 30_000;
  while (!(await client.ping()).success && Date.now() < deadline) await Bun.sleep(50);
  const back = await client.query({ query: "SELECT x FROM kept", format: "JSONEachRow" });
  expect(await back.json()).toEqual([{ x: 7 }]);
});
