// Versioned ClickHouse migrations, embedded in the executable like the SQLite ones: each
// is a list of idempotent statements; `aurea_migrations` records the versions applied.
// A migration that failed half-way is run again whole on the next start.
import type { ClickHouseClient } from "@clickhouse/client";
import { SCHEMA_V1 } from "./schema-v1";

export interface ClickHouseMigration {
  version: number;
  name: string;
  statements: readonly string[];
}

export const CLICKHOUSE_MIGRATIONS: readonly ClickHouseMigration[] = [{ version: 1, name: "events-visits-contacts", statements: SCHEMA_V1 }];

const LEDGER = `CREATE TABLE IF NOT EXISTS aurea_migrations (
  version UInt32,
  name String,
  applied_at DateTime64(3, 'UTC')
) ENGINE = MergeTree ORDER BY version`;

/** Creates the database when missing (needs the right to), then applies what is not yet applied; returns their versions. */
export async function migrateClickHouse(admin: ClickHouseClient, client: ClickHouseClient, database: string): Promise<number[]> {
  const exists = await admin.query({ query: "SELECT count() AS n FROM system.databases WHERE name = {db:String}", query_params: { db: database }, format: "JSONEachRow" });
  const [{ n }] = await exists.json<{ n: number | string }>();
  if (Number(n) === 0) await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await client.command({ query: LEDGER });
  const done = await client.query({ query: "SELECT DISTINCT version FROM aurea_migrations", format: "JSONEachRow" });
  const applied = new Set((await done.json<{ version: number }>()).map((r) => Number(r.version)));
  const ran: number[] = [];
  for (const m of CLICKHOUSE_MIGRATIONS) {
    if (applied.has(m.version)) continue;
    for (const statement of m.statements) await client.command({ query: statement });
    await client.insert({ table: "aurea_migrations", values: [{ version: m.version, name: m.name, applied_at: Date.now() }], format: "JSONEachRow" });
    ran.push(m.version);
  }
  return ran;
}
