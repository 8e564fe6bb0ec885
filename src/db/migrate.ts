import type { Database } from "bun:sqlite";
import { migrations as embedded, type EmbeddedMigration } from "./migrations.gen";

// Same bookkeeping table and layout as drizzle's own migrator, so drizzle-kit
// tooling reads the database the same way; but the SQL comes from the executable.
const TABLE = "__drizzle_migrations";

/** The embedded migrations this database has not had yet, oldest first. */
export function pendingMigrations(sqlite: Database, migrations: EmbeddedMigration[] = embedded): EmbeddedMigration[] {
  const table = sqlite.query<{ n: number }, []>(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '${TABLE}'`).get();
  if (!table?.n) return migrations;
  const last = sqlite.query<{ w: number | null }, []>(`SELECT max(created_at) AS w FROM ${TABLE}`).get();
  const applied = Number(last?.w ?? -Infinity);
  return migrations.filter((m) => m.when > applied);
}

export function applyMigrations(sqlite: Database, migrations: EmbeddedMigration[] = embedded): number {
  sqlite.exec(
    `CREATE TABLE IF NOT EXISTS ${TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, hash TEXT NOT NULL, created_at NUMERIC)`,
  );
  let applied = 0;
  const run = sqlite.transaction(() => {
    const last = sqlite.query(`SELECT created_at FROM ${TABLE} ORDER BY created_at DESC LIMIT 1`).get() as
      | { created_at: number }
      | null;
    for (const m of migrations) {
      if (last && Number(last.created_at) >= m.when) continue;
      for (const statement of m.sql.split("--> statement-breakpoint")) {
        if (statement.trim()) sqlite.exec(statement);
      }
      const hash = new Bun.CryptoHasher("sha256").update(m.sql).digest("hex");
      sqlite.query(`INSERT INTO ${TABLE} (hash, created_at) VALUES (?, ?)`).run(hash, m.when);
      applied++;
    }
  });
  run.immediate();
  return applied;
}
