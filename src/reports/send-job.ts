// The job that sends one scheduled digest (see sends.ts for the states): claim the
// period in a committed transaction, compose, send over SMTP, record the outcome.
import type { Database } from "bun:sqlite";
import type { ClockedReader } from "../store/sqlite/dashboard/dashboard-reader";
import { DEFAULT_BACKOFF, nextRetryDelay, type BackoffPolicy } from "../automations/backoff";
import type { MailConfig } from "../config";
import type { Db } from "../db/open";
import { getFunnel } from "../funnels/store";
import type { JobHandler, JobOutcome } from "../jobs/runner";
import { createMailer, MailError } from "../mail/transport";
import { composeDigest } from "./compose";
import { periodFor } from "./period";
import { claimSend, getSend, setSendStatus } from "./sends";
import { subscriptions } from "./subscriptions";
import { funnelTimeZone } from "./zone";

export const REPORT_SEND_JOB = "report-send";

export interface ReportDeps {
  sqlite: Database;
  db: Db;
  reader: ClockedReader;
  mail: MailConfig | null;
  publicUrl: string | null;
  now: () => number;
  log: (line: string) => void;
  backoff?: BackoffPolicy;
  /** The funnel's time zone (default: funnelTimeZone). */
  zoneOf?: (funnelId: string) => string;
}

export function reportSendHandler(deps: ReportDeps): JobHandler {
  const { sqlite } = deps;
  return {
    async run(job): Promise<JobOutcome> {
      const { key } = JSON.parse(job.payload) as { key: string };
      const row = getSend(sqlite, key);
      if (!row || !["queued", "retry", "sending"].includes(row.status)) return { kind: "done" };
      if (row.status === "sending") {
        // A run before this one claimed it and never recorded an outcome: the process
        // died inside the SMTP conversation. It may have arrived; never send it twice.
        deps.log(`reports: the ${row.cadence} digest of funnel ${row.funnelId} for ${row.email} was being sent when the server stopped; it may not have arrived and is not sent again`);
        return { kind: "done", record: () => setSendStatus(sqlite, key, "unknown", "the server stopped while sending", deps.now()) };
      }
      const funnel = getFunnel(deps.db, row.funnelId);
      const stillWanted = subscriptions(sqlite, row.funnelId).some((s) => s.email === row.email && s.cadence === row.cadence);
      if (!funnel || !stillWanted) return { kind: "done", record: () => setSendStatus(sqlite, key, "cancelled", "unsubscribed before it was sent", deps.now()) };
      if (!deps.mail) {
        return { kind: "retry", at: deps.now() + 3_600_000, error: "no SMTP server is set (--smtp-url)", record: () => setSendStatus(sqlite, key, "retry", "no SMTP server is set (--smtp-url)", deps.now()) };
      }
      // The period ending at periodTo is "last week/month" as seen from just after it.
      const period = periodFor(row.cadence, row.periodTo + 1, (deps.zoneOf ?? ((id) => funnelTimeZone(deps.db, id)))(row.funnelId));
      const { mail } = await composeDigest({ reader: deps.reader, db: deps.db, sqlite, funnel, period: { ...period, from: row.periodFrom, to: row.periodTo }, to: row.email, cadence: row.cadence, publicUrl: deps.publicUrl, messageId: row.messageId });
      if (!claimSend(sqlite, key, deps.now())) return { kind: "done" };
      const mailer = createMailer(deps.mail);
      try {
        await mailer.send(mail);
        return { kind: "done", record: () => setSendStatus(sqlite, key, "sent", null, deps.now()) };
      } catch (e) {
        if (!(e instanceof MailError)) throw e;
        const delay = e.failure.retry ? nextRetryDelay(row.attempts + 1, null, deps.backoff ?? DEFAULT_BACKOFF) : null;
        deps.log(`reports: digest for ${row.email} (funnel ${row.funnelId}) not sent: ${e.failure.line}${delay === null ? "; giving up" : ""}`);
        if (delay === null) return { kind: "failed", error: e.failure.line, record: () => setSendStatus(sqlite, key, "failed", e.failure.line, deps.now()) };
        return { kind: "retry", at: deps.now() + delay, error: e.failure.line, record: () => setSendStatus(sqlite, key, "retry", e.failure.line, deps.now()) };
      } finally {
        mailer.close();
      }
    },
  };
}
