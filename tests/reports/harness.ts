// Scheduled digests without an HTTP server: a real SQLite store, the real job runner
// and send job, a clock the test moves, a chosen funnel zone and a real SMTP server.
import { analyticsReader } from "../../src/store/sqlite/dashboard/dashboard-reader";
import { resolveMail } from "../../src/config";
import { openStore, type Store } from "../../src/db/open";
import { createFunnel } from "../../src/funnels/store";
import { JobRunner } from "../../src/jobs/runner";
import { queueDueDigests } from "../../src/reports/schedule";
import { REPORT_SEND_JOB, reportSendHandler } from "../../src/reports/send-job";
import { getSend, sendKey, type SendRow } from "../../src/reports/sends";

export interface Harness {
  store: Store;
  funnelId: string;
  clock: { now: number };
  runner: JobRunner;
  logs: string[];
  tick(): number;
  sends(): SendRow[];
  /** Polls until the send of that period has the status. */
  waitStatus(email: string, periodFrom: number, status: string, deadlineMs?: number): Promise<SendRow>;
  stop(): Promise<void>;
}

export const ZONE = "Europe/Berlin";
export const FAST_BACKOFF = { delaysMs: [60_000], maxAttempts: 3, jitter: 0, scale: 1 };

export function openHarness(dataDir: string, smtpUrl: string, start: number, opts: { funnelId?: string } = {}): Harness {
  const store = openStore(dataDir);
  const funnelId = opts.funnelId ?? createFunnel(store.db, { name: "Launch", url: "https://shop.example" }, start).funnel.id;
  const clock = { now: start };
  const now = () => clock.now;
  const logs: string[] = [];
  const runner = new JobRunner(store.sqlite, { now, idlePollMs: 20, leaseMs: 120_000, log: (l) => logs.push(l) });
  runner.register(
    REPORT_SEND_JOB,
    reportSendHandler({
      sqlite: store.sqlite,
      db: store.db,
      reader: analyticsReader(store.sqlite, now),
      mail: resolveMail({ _: [], "smtp-url": smtpUrl, "mail-from": "reports@example.com" }),
      publicUrl: "https://aurea.example",
      now,
      log: (l) => logs.push(l),
      backoff: FAST_BACKOFF,
      zoneOf: () => ZONE,
    }),
  );
  runner.start();
  return {
    store,
    funnelId,
    clock,
    runner,
    logs,
    tick() {
      const n = queueDueDigests(store.sqlite, store.db, runner.queue, clock.now, () => ZONE).queued;
      runner.wake(0);
      return n;
    },
    sends: () => store.sqlite.query<SendRow, []>("SELECT key, status, attempts, period_from AS periodFrom, period_to AS periodTo, email FROM report_sends ORDER BY period_from, email").all(),
    async waitStatus(email, periodFrom, status, deadlineMs = 20_000) {
      const end = Date.now() + deadlineMs;
      for (;;) {
        const row = getSend(store.sqlite, sendKey(funnelId, email, "weekly", periodFrom));
        if (row?.status === status) return row;
        if (Date.now() > end) throw new Error(`send for ${email} stayed ${row?.status ?? "absent"}, expected ${status}`);
        runner.wake(0);
        await Bun.sleep(20);
      }
    },
    async stop() {
      await runner.stop();
      store.close();
    },
  };
}
