// The operations alerts through a running server and a real SMTP server: webhook
// deliveries that fail for good (a receiver answering 404) and an ingest batch that is
// parked after failing; each mails once per window, with the count in the subject.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { addAlert } from "../../src/alerts/rules";
import { runAlertChecks } from "../../src/alerts/start";
import { automationRuntime } from "../../src/automations/runtime";
import { resolveMail } from "../../src/config";
import { eventually, Receiver } from "../automations/receiver";
import { api, createRule, createTestFunnel, startHookServer, track } from "../automations/setup";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";
import type { TestFunnel, TestServer } from "../helpers/server";

setDefaultTimeout(120_000);

let server: TestServer;
let smtp: TestSmtp;
let receiver: Receiver;
let funnel: TestFunnel;

beforeAll(async () => {
  smtp = await startTestSmtp();
  server = await startHookServer({ mail: resolveMail({ _: [], "smtp-url": smtp.url, "mail-from": "alerts@example.com" }) ?? undefined });
  receiver = await Receiver.start();
  funnel = createTestFunnel(server, { name: "Shop" });
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
  receiver?.stop();
});

const runner = () => automationRuntime(server.ctx).runner!;
const check = () => runAlertChecks(server.ctx, runner(), server.running.alerts.deps);
const subjects = () => smtp.received.map((m) => m.parsed.subject ?? "");

test("webhook deliveries that failed for good fire once per window", async () => {
  receiver.respond = () => new Response("no such hook", { status: 404 });
  const rule = await createRule(server, funnel, { name: "hook", trigger: { type: "event", name: "x" }, action: { type: "webhook", url: `${receiver.url}/gone` } });
  addAlert(server.ctx.store.sqlite, funnel.id, { kind: "webhook_failures", params: { min: 2 }, recipients: ["ops@example.com"] }, Date.now());
  await track(server, funnel, [{ type: "track", name: "x", anonymousId: "v1" }]);
  await eventually(async () => (await api(server, funnel, "GET", `/${rule.id}/deliveries`)).json.deliveries[0]?.status === "failed", 10_000, "one failed");
  expect(await check()).toBe(0); // one failure, the alert asks for two
  await track(server, funnel, [{ type: "track", name: "x", anonymousId: "v2" }]);
  await eventually(() => automationRuntime(server.ctx).deliveries.failedCount(funnel.id) >= 2, 10_000, "two failed");
  expect(await check()).toBe(1);
  await smtp.waitFor(1);
  expect(subjects()).toEqual(["[Aurea] Shop: 2 webhook deliveries failed"]);
  expect(smtp.received[0].to).toEqual(["ops@example.com"]);
  expect(await check()).toBe(0);
});

test("a parked ingest batch fires once per window", async () => {
  addAlert(server.ctx.store.sqlite, funnel.id, { kind: "parked_batches", recipients: ["ops@example.com"] }, Date.now());
  expect(await check()).toBe(0);
  // A batch whose payload cannot be read: retried, then parked with its error.
  server.ctx.store.queue.query("INSERT INTO ingest_batches (funnel_id, key_kind, received_at, payload) VALUES (?, 'public', ?, ?)").run(funnel.id, Date.now(), "[{not json");
  server.running.worker!.notify(1);
  await eventually(() => {
    server.running.worker!.runOnce();
    return server.ctx.store.queue.query<{ n: number }, []>("SELECT count(*) AS n FROM ingest_batches WHERE status = 'parked'").get()!.n === 1;
  }, 10_000, "parked");
  expect(await check()).toBe(1);
  await smtp.waitFor(2);
  expect(subjects()[1]).toBe("[Aurea] Shop: 1 ingest batch is parked");
  expect(await check()).toBe(0);
});
