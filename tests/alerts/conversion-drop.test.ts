// The conversion-drop alert and the daily sale summary through a running server with an
// injected clock and a real SMTP server: four past same weekdays convert half their
// visits by midday, today a tenth: one mail with both rates in the subject, once per
// window; the daily summary mails yesterday's verified sales after 09:00, once a day.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { addAlert } from "../../src/alerts/rules";
import { runAlertChecks } from "../../src/alerts/start";
import { automationRuntime } from "../../src/automations/runtime";
import { resolveMail } from "../../src/config";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";

const DAY = 86_400_000;
const HOUR = 3_600_000;
// Midday (UTC, the funnel's zone) of the current day.
const midnight = Math.floor(Date.now() / DAY) * DAY;
const clock = { now: midnight + 12 * HOUR };

let server: TestServer;
let smtp: TestSmtp;
let funnel: TestFunnel;
let sent = 0;

const runner = () => automationRuntime(server.ctx).runner!;
const subjects = () => smtp.received.map((m) => m.parsed.subject ?? "");

/** `visits` visitors on the day starting at `day`, from 08:00, `converting` of them sign up. */
function day(dayStart: number, visits: number, converting: number, tag: string) {
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < visits; i++) {
    const anon = `${tag}-${i}`;
    const ts = dayStart + 8 * HOUR + i * 60_000;
    events.push({ id: eventId(), type: "page_view", anonymousId: anon, sessionId: `s-${anon}`, ts, url: "https://shop.example/" });
    if (i < converting) events.push({ id: eventId(), type: "conversion", name: "signup", anonymousId: anon, sessionId: `s-${anon}`, ts: ts + 1000 });
  }
  return events;
}

async function send(events: Record<string, unknown>[]) {
  const res = await sendEvents(server, { funnelId: funnel.id, events }, { authorization: `Bearer ${funnel.secretKey}` });
  expect(res.status).toBe(202);
  sent += events.length;
  await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length >= Math.min(sent, 1000), 20_000);
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  server = await startTestServer({ mail: resolveMail({ _: [], "smtp-url": smtp.url, "mail-from": "alerts@example.com" }), now: () => clock.now });
  funnel = createTestFunnel(server, { name: "Launch" });
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

test("a conversion rate well below the same weekday's fires once per window, with both rates in the subject", async () => {
  const events = [1, 2, 3, 4].flatMap((w) => day(midnight - w * 7 * DAY, 10, 5, `w${w}`));
  await send([...events, ...day(midnight, 10, 1, "today")]);
  addAlert(server.ctx.store.sqlite, funnel.id, { kind: "conversion_drop", params: { percent: 50, minVisits: 5 }, recipients: ["founder@example.com"] }, clock.now);
  const deps = server.running.alerts.deps;
  expect(await runAlertChecks(server.ctx, runner(), deps)).toBe(1);
  await smtp.waitFor(1);
  expect(subjects()).toEqual(["[Aurea] Launch: conversion rate 10% today, usually 50%"]);
  expect(smtp.received[0].parsed.text).toContain("Today so far 1 of 10 visits converted (10%)");
  clock.now += 2 * HOUR;
  expect(await runAlertChecks(server.ctx, runner(), deps)).toBe(0);
});

test("a rate within the threshold does not fire", async () => {
  const other = createTestFunnel(server, { name: "Steady" });
  const events = [1, 2, 3, 4].flatMap((w) => day(midnight - w * 7 * DAY, 10, 5, `s${w}`)).concat(day(midnight, 10, 4, "steady-today"));
  const res = await sendEvents(server, { funnelId: other.id, events }, { authorization: `Bearer ${other.secretKey}` });
  expect(res.status).toBe(202);
  await waitForEvents(server, other.id, other.secretKey, (es) => es.length >= events.length, 20_000);
  addAlert(server.ctx.store.sqlite, other.id, { kind: "conversion_drop", params: { percent: 50, minVisits: 5 }, recipients: ["founder@example.com"] }, clock.now);
  expect(await runAlertChecks(server.ctx, runner(), server.running.alerts.deps)).toBe(0);
});

test("the daily sale summary mails yesterday's verified sales once, after 09:00", async () => {
  const sale = (anon: string, amount: number, ts: number) => ({ id: eventId(), type: "conversion", name: "purchase", anonymousId: anon, sessionId: `s-${anon}`, ts, revenue: { amount, currency: "USD" } });
  await send([sale("buyer-1", 49, midnight - 5 * HOUR), sale("buyer-2", 51, midnight - 4 * HOUR), sale("buyer-3", 10, midnight + HOUR)]);
  addAlert(server.ctx.store.sqlite, funnel.id, { kind: "sale", params: { mode: "daily" }, recipients: ["founder@example.com"] }, clock.now);
  const before = smtp.received.length;
  expect(await runAlertChecks(server.ctx, runner(), server.running.alerts.deps)).toBe(1);
  await smtp.waitFor(before + 1);
  const yesterday = new Date(midnight - DAY).toISOString().slice(0, 10);
  expect(subjects().at(-1)).toBe(`[Aurea] Launch: 2 sales on ${yesterday}, $100.00 verified`);
  clock.now += HOUR;
  expect(await runAlertChecks(server.ctx, runner(), server.running.alerts.deps)).toBe(0);
});
