// What the read API says about a funnel's installation: receiving or not, the bots
// dropped so far, and what ingest refused lately (install diagnostics).
import type { Database } from "bun:sqlite";
import type { Db } from "../db/open";
import { getFunnel } from "../funnels/store";
import { refusalLogOf, type Refusal } from "../ingest/refusals";

export interface InstallationStatus {
  receiving: boolean;
  firstEventAt: number | null;
  /** Events dropped because their user agent was a bot's, since the funnel was made. */
  botsDropped: number;
  /** Most recent first; kept in memory since the server started. */
  refused: Refusal[];
}

export function installationStatus(db: Db, sqlite: Database, funnelId: string): InstallationStatus {
  const f = getFunnel(db, funnelId)!;
  return { receiving: f.firstEventAt !== null, firstEventAt: f.firstEventAt, botsDropped: f.botsDropped, refused: refusalLogOf(sqlite).recent(f.id) };
}
