// Scheduled weekly digests with an injected clock in Europe/Berlin: sent at Monday
// 09:00 local (also in the week the clocks change), once per period however often the
// scheduler looks, retried after an SMTP error, not sent to who unsubscribed.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { REPORT_SEND_JOB } from "../../src/reports/send-job";
import { queueSend } from "../../src/reports/sends";
import { subscribe, unsubscribe } from "../../src/reports/subscriptions";
import { tempDir } from "../helpers/server";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";
import { openHarness, type Harness } from "./harness";

let smtp: TestSmtp;
let h: Harness;
const at = (s: string) => Date.parse(s);
const periodOf = (i: number) => smtp.received[i].raw.match(/^X-Aurea-Period: (\S+)/im)?.[1];

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = openHarness(tempDir("aurea-sched-"), smtp.url, at("2026-03-20T12:00:00Z"));
  subscribe(h.store.sqlite, h.funnelId, "ana@example.com", "weekly", h.clock.now);
});
afterAll(async () => {
  await h?.stop();
  await smtp?.close();
});

async function settle() {
  // Let the runner pick up anything due, then check nothing more arrives.
  h.runner.wake(0);
  await Bun.sleep(150);
}

test("the first Monday 09:00 after subscribing sends last week's digest, once", async () => {
  h.clock.now = at("2026-03-23T07:59:59Z"); // 08:59:59 CET
  expect(h.tick()).toBe(0);
  await settle();
  expect(smtp.received).toHaveLength(0);
  h.clock.now = at("2026-03-23T08:00:00Z"); // 09:00 CET
  expect(h.tick()).toBe(1);
  await smtp.waitFor(1);
  expect(periodOf(0)).toBe("2026-03-16..2026-03-22");
  await h.waitStatus("ana@example.com", at("2026-03-15T23:00:00Z"), "sent");
  for (const t of ["2026-03-23T08:00:01Z", "2026-03-23T20:00:00Z", "2026-03-24T10:00:00Z"]) {
    h.clock.now = at(t);
    expect(h.tick()).toBe(0);
  }
  await settle();
  expect(smtp.received).toHaveLength(1);
});

test("in the week the clocks go forward it is still 09:00 local (07:00 UTC), for a 167-hour week", async () => {
  h.clock.now = at("2026-03-30T06:59:00Z");
  expect(h.tick()).toBe(0);
  h.clock.now = at("2026-03-30T07:00:00Z");
  expect(h.tick()).toBe(1);
  await smtp.waitFor(2);
  expect(periodOf(1)).toBe("2026-03-23..2026-03-29");
  const row = await h.waitStatus("ana@example.com", at("2026-03-22T23:00:00Z"), "sent");
  expect(row.periodTo - row.periodFrom).toBe(167 * 3_600_000);
});

test("an SMTP error is retried after the backoff, and the digest goes out once", async () => {
  smtp.failNext(1, 451);
  h.clock.now = at("2026-04-06T07:00:00Z");
  expect(h.tick()).toBe(1);
  const from = at("2026-03-29T22:00:00Z");
  const row = await h.waitStatus("ana@example.com", from, "retry");
  expect(row.attempts).toBe(1);
  expect(row.error).toContain("451");
  await settle();
  expect(smtp.received).toHaveLength(2); // not before the backoff
  h.clock.now += 60_000;
  await h.waitStatus("ana@example.com", from, "sent");
  expect(smtp.received).toHaveLength(3);
  expect(periodOf(2)).toBe("2026-03-30..2026-04-05");
});

test("a digest queued for someone who unsubscribed before it went out is cancelled", async () => {
  subscribe(h.store.sqlite, h.funnelId, "ben@example.com", "weekly", at("2026-04-01T00:00:00Z"));
  h.clock.now = at("2026-04-13T07:00:00Z");
  const from = at("2026-04-05T22:00:00Z");
  const key = queueSend(h.store.sqlite, { funnelId: h.funnelId, email: "ben@example.com", cadence: "weekly", periodFrom: from, periodTo: from + 7 * 86_400_000 }, h.clock.now)!;
  h.runner.queue.enqueue(REPORT_SEND_JOB, { key }, h.clock.now, { runAt: h.clock.now + 1000 });
  unsubscribe(h.store.sqlite, h.funnelId, "ben@example.com", "weekly");
  h.clock.now += 1000;
  expect(h.tick()).toBe(1); // Ana's
  await h.waitStatus("ana@example.com", from, "sent");
  await h.waitStatus("ben@example.com", from, "cancelled");
  expect(smtp.received.map((m) => m.to[0])).toEqual(["ana@example.com", "ana@example.com", "ana@example.com", "ana@example.com"]);
});
