// Daily random salts for cookieless visitor ids: a visitor hash can be linked
// within one UTC day and never across days; salts older than yesterday are deleted.
import type { Database } from "bun:sqlite";

export class DailySalts {
  private cache = new Map<string, string>();
  private get;
  private put;
  private prune;

  constructor(sqlite: Database) {
    this.get = sqlite.prepare<{ salt: string }, [string]>("SELECT salt FROM visitor_salts WHERE day = ?");
    this.put = sqlite.prepare("INSERT OR IGNORE INTO visitor_salts (day, salt) VALUES (?, ?)");
    this.prune = sqlite.prepare("DELETE FROM visitor_salts WHERE day < ?");
  }

  /** Call inside a write transaction. */
  forTime(ms: number): string {
    const day = new Date(ms).toISOString().slice(0, 10);
    let salt = this.cache.get(day);
    if (salt) return salt;
    const row = this.get.get(day);
    if (row) salt = row.salt;
    else {
      salt = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex");
      this.put.run(day, salt);
      salt = this.get.get(day)!.salt;
      this.prune.run(new Date(ms - 86_400_000).toISOString().slice(0, 10));
      this.cache.clear();
    }
    this.cache.set(day, salt);
    return salt;
  }
}
