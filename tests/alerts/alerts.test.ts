// Email alerts through a running server and a real SMTP server: a verified sale mails
// at once (unverified ones do not), a traffic spike and low disk mail once per window
// with the reason in the subject, and again in the next window.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { runAlertChecks } from "../../src/alerts/start";
import { addAlert } from "../../src/alerts/rules";
import { automationRuntime } from "../../src/automations/runtime";
import { resolveMail } from "../../src/config";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";

let server: TestServer;
let smtp: TestSmtp;
let funnel: TestFunnel;
// Mid-window, so moving 30 minutes stays in the same 6-hour window.
const clock = { now: Math.floor(Date.now() / 21_600_000) * 21_600_000 + 3 * 3_600_000 };

beforeAll(async () => {
  smtp = await startTestSmtp();
  server = await startTestServer({ mail: resolveMail({ _: [], "smtp-url": smtp.url, "mail-from": "alerts@example.com" }), now: () => clock.now });
  funnel = createTestFunnel(server);
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

const subjects = () => smtp.received.map((m) => m.parsed.subject);
const secret = (events: unknown[]) => sendEvents(server, { funnelId: funnel.id, events }, { authorization: `Bearer ${funnel.secretKey}` });
const publicEvents = (events: unknown[]) => sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events }, { origin: "https://shop.example" });
const runner = () => automationRuntime(server.ctx).runner!;

test("each verified sale is mailed once; an unverified one is not", async () => {
  addAlert(server.ctx.store.sqlite, funnel.id, { kind: "sale", recipients: ["founder@example.com"] }, clock.now);
  const sale = { id: eventId(), type: "conversion", name: "purchase", anonymousId: "v1", ts: clock.now - 1000, revenue: { amount: 99, currency: "USD" } };
  expect((await publicEvents([{ ...sale, id: eventId(), anonymousId: "v0", url: "https://shop.example/thanks" }])).status).toBe(202);
  expect((await secret([sale])).status).toBe(202);
  expect((await secret([sale])).status).toBe(202); // the same event again: a duplicate, no second mail
  await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length >= 2);
  await smtp.waitFor(1);
  await Bun.sleep(300);
  expect(subjects()).toEqual(["[Aurea] Test funnel: sale $99.00 (purchase, Direct)"]);
  expect(smtp.received[0].to).toEqual(["founder@example.com"]);
});

test("a traffic spike fires once per window, with the reason in the subject", async () => {
  addAlert(server.ctx.store.sqlite, funnel.id, { kind: "traffic_spike", params: { minVisitors: 3 }, recipients: ["ops@example.com"], window: "6h" }, clock.now);
  const t = clock.now - 60_000;
  const views = ["a", "b", "c", "d"].map((v, i) => ({ id: eventId(), type: "page_view", anonymousId: `spike-${v}`, ts: t + i, url: "https://shop.example/launch" }));
  expect((await publicEvents(views)).status).toBe(202);
  await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length >= 6);
  const deps = server.running.alerts.deps;
  expect(await runAlertChecks(server.ctx, runner(), deps)).toBe(1);
  await smtp.waitFor(2);
  expect(subjects()[1]).toMatch(/^\[Aurea\] Test funnel: traffic spike: [56] visitors in the last hour, usually 0\.0$/);
  expect(await runAlertChecks(server.ctx, runner(), deps)).toBe(0);
  clock.now += 30 * 60_000;
  expect(await runAlertChecks(server.ctx, runner(), deps)).toBe(0);
});

test("low disk fires once per day, again the next day", async () => {
  addAlert(server.ctx.store.sqlite, funnel.id, { kind: "disk_low", params: { freeMb: 500 }, recipients: ["ops@example.com"] }, clock.now);
  const low = { ...server.running.alerts.deps, freeBytes: () => 120 * 1_048_576 };
  expect(await runAlertChecks(server.ctx, runner(), low)).toBe(1);
  await smtp.waitFor(3);
  expect(subjects()[2]).toBe("[Aurea] Test funnel: disk space low: 120 MB free");
  expect(await runAlertChecks(server.ctx, runner(), { ...low, freeBytes: () => 100 * 1_048_576 })).toBe(0);
  clock.now += 86_400_000; // next day: the spike is over (no traffic in the last hour), the disk is still low
  expect(await runAlertChecks(server.ctx, runner(), low)).toBe(1);
  await smtp.waitFor(4);
  expect(subjects().filter((s) => s?.includes("disk space low"))).toHaveLength(2);
  expect(await runAlertChecks(server.ctx, runner(), { ...low, freeBytes: () => 10_000 * 1_048_576 })).toBe(0);
});
