// The job that mails one alert to one recipient; SMTP errors are retried with backoff.
// (Alerts are at least once: a crash mid-send may repeat one, unlike digests.)
import { DEFAULT_BACKOFF, nextRetryDelay } from "../automations/backoff";
import type { MailConfig } from "../config";
import type { JobHandler, JobOutcome } from "../jobs/runner";
import { createMailer, MailError } from "../mail/transport";

export function alertMailHandler(mail: MailConfig | null, now: () => number, log: (l: string) => void): JobHandler {
  return {
    async run(job): Promise<JobOutcome> {
      const m = JSON.parse(job.payload) as { to: string; subject: string; text: string };
      if (!mail) return job.attempts >= job.maxAttempts ? { kind: "failed", error: "no SMTP server is set" } : { kind: "retry", at: now() + 3_600_000, error: "no SMTP server is set (--smtp-url)" };
      const mailer = createMailer(mail);
      try {
        await mailer.send({ to: m.to, subject: m.subject, text: m.text });
        return { kind: "done" };
      } catch (e) {
        if (!(e instanceof MailError)) throw e;
        const delay = e.failure.retry ? nextRetryDelay(job.attempts, null, DEFAULT_BACKOFF) : null;
        log(`alerts: "${m.subject}" to ${m.to} not sent: ${e.failure.line}`);
        return delay === null ? { kind: "failed", error: e.failure.line } : { kind: "retry", at: now() + delay, error: e.failure.line };
      } finally {
        mailer.close();
      }
    },
  };
}
