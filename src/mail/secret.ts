// Random keys made once per database and kept in it (e.g. the key that signs
// unsubscribe links, so links keep working across restarts and upgrades).
import type { Database } from "bun:sqlite";
import { randomBytes } from "node:crypto";

export function mailSecret(sqlite: Database, name: string, now: number): Buffer {
  sqlite.query("INSERT OR IGNORE INTO mail_secrets (name, secret, created_at) VALUES (?, ?, ?)").run(name, randomBytes(32).toString("base64url"), now);
  const row = sqlite.query<{ secret: string }, [string]>("SELECT secret FROM mail_secrets WHERE name = ?").get(name)!;
  return Buffer.from(row.secret, "base64url");
}
