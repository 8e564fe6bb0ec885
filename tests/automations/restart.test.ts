import { expect, test, setDefaultTimeout } from "bun:test";
import { rmSync } from "node:fs";
import { Webhook } from "standardwebhooks";
import { automationRuntime } from "../../src/automations/runtime";
import { tempDir } from "../helpers/server";
import { Receiver, eventually } from "./receiver";
import { api, createRule, createTestFunnel, startHookServer, track } from "./setup";

setDefaultTimeout(120_000);

test("a receiver that is down through a restart of Aurea gets the delivery, once, after it comes back", async () => {
  const dataDir = tempDir("aurea-restart-");
  const receiver = await Receiver.start();
  const port = receiver.port;
  receiver.stop(); // down: connections to the port are refused

  // Slow enough retries (30 ms, 120 ms, 600 ms, 1.8 s…) that the delivery is still pending at the restart.
  const first = await startHookServer({ dataDir });
  const funnel = createTestFunnel(first);
  const rule = await createRule(first, funnel, { name: "r", trigger: { type: "event", name: "purchase" }, action: { type: "webhook", url: `http://127.0.0.1:${port}/hook` } });
  await track(first, funnel, [{ type: "track", name: "purchase", anonymousId: "v" }]);
  const pending = await eventually(async () => {
    const [d] = (await api(first, funnel, "GET", `/${rule.id}/deliveries`)).json.deliveries;
    return d?.attempts >= 2 && d;
  }, 5000, "two failed attempts");
  expect(pending.status).toBe("pending");
  expect(pending.last.error).toContain("ECONNREFUSED");
  await first.stop();

  // Back before the second server starts: its own listen on a random port could
  // otherwise be handed this just-freed one.
  receiver.listen(port);
  const second = await startHookServer({ dataDir });
  try {
    const [req] = await receiver.waitFor(1, 10_000);
    expect(() => new Webhook(rule.secret).verify(req.body, req.headers)).not.toThrow();
    expect(req.headers["webhook-id"]).toBe(pending.id);
    const delivered = await eventually(async () => {
      const [d] = (await api(second, funnel, "GET", `/${rule.id}/deliveries`)).json.deliveries;
      return d?.status === "delivered" && d;
    }, 5000, "delivered");
    expect(delivered.attempts).toBeGreaterThanOrEqual(3);
    await Bun.sleep(500);
    expect(receiver.requests.length).toBe(1);
  } finally {
    await second.stop();
    receiver.stop();
  }

  // A third start finds nothing left to send.
  const third = await startHookServer({ dataDir });
  receiver.listen(port);
  await Bun.sleep(500);
  expect(receiver.requests.length).toBe(1);
  await third.stop();
  receiver.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("an in-flight delivery when Aurea stops is released and sent after the restart", async () => {
  const dataDir = tempDir("aurea-restart-");
  const receiver = await Receiver.start();
  let hang = true;
  receiver.respond = async () => {
    while (hang) await Bun.sleep(20);
    return new Response("ok");
  };
  const first = await startHookServer({ dataDir });
  const funnel = createTestFunnel(first);
  const rule = await createRule(first, funnel, { name: "r", trigger: { type: "event", name: "purchase" }, action: { type: "webhook", url: `${receiver.url}/hook` } });
  await track(first, funnel, [{ type: "track", name: "purchase", anonymousId: "v" }]);
  await receiver.waitFor(1);
  automationRuntime(first.ctx).runner!.stopGraceMs = 100;
  await first.stop(); // the grace period runs out, the fetch is aborted, the job released
  hang = false;

  const second = await startHookServer({ dataDir });
  try {
    await receiver.waitFor(2);
    const d = await eventually(async () => {
      const [x] = (await api(second, funnel, "GET", `/${rule.id}/deliveries`)).json.deliveries;
      return x?.status === "delivered" && x;
    }, 5000, "delivered");
    expect(receiver.requests[1].headers["webhook-id"]).toBe(receiver.requests[0].headers["webhook-id"]);
    expect(d.attempts).toBe(1); // the cut-short try was not judged
  } finally {
    await second.stop();
    receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
