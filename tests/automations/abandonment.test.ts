import { afterAll, beforeAll, expect, test, setDefaultTimeout } from "bun:test";
import { Webhook } from "standardwebhooks";
import { parseSteps, saveSteps } from "../../src/funnels/steps-definition";
import type { TestFunnel, TestServer } from "../helpers/server";
import { Receiver, eventually } from "./receiver";
import { createRule, createTestFunnel, startHookServer, track } from "./setup";

setDefaultTimeout(120_000);

let server: TestServer;
let receiver: Receiver;

beforeAll(async () => {
  server = await startHookServer();
  receiver = await Receiver.start();
});
afterAll(async () => {
  await server.stop();
  receiver.stop();
});

function funnelWithSteps(order: "sequential" | "strict" = "sequential"): TestFunnel {
  const funnel = createTestFunnel(server);
  const def = parseSteps({
    window: "1d",
    order,
    steps: [
      { name: "Landing", page: "/" },
      { name: "Checkout", page: "/checkout" },
      { name: "Purchase", event: "purchase" },
    ],
  });
  if (!def.ok) throw new Error(JSON.stringify(def.errors));
  saveSteps(server.ctx.store.db, funnel.id, def.value);
  return funnel;
}

const page = (path: string, visitor: string) => ({ type: "page_view", url: `https://shop.example${path}`, anonymousId: visitor });

test("abandonment fires for the visitor who stalled at checkout and not for the one who bought", async () => {
  const funnel = funnelWithSteps();
  const path = `/abandon/${funnel.id}`;
  const rule = await createRule(server, funnel, {
    name: "Checkout abandoned",
    trigger: { type: "abandoned", step: 2, after: "1s" },
    action: { type: "webhook", url: `${receiver.url}${path}` },
  });
  await track(server, funnel, [page("/", "buyer"), page("/", "staller"), page("/checkout", "buyer"), page("/checkout", "staller")]);
  await Bun.sleep(200);
  await track(server, funnel, [page("/checkout", "staller"), { type: "track", name: "purchase", anonymousId: "buyer" }]);

  const got = () => receiver.requests.filter((r) => r.path === path);
  const [req] = await eventually(() => got().length >= 1 && got(), 5000, "an abandonment delivery");
  await Bun.sleep(1500); // past the buyer's check too
  expect(got().length).toBe(1);
  const payload = new Webhook(rule.secret).verify(req.body, req.headers) as any;
  expect(payload.type).toBe("aurea.abandoned");
  expect(payload.data.event).toMatchObject({ anonymousId: "staller", path: "/checkout" });
  expect(payload.data.step).toMatchObject({ number: 2, name: "Checkout", missedStep: { number: 3, name: "Purchase" }, waitedSeconds: 1 });
  expect(Date.now() - payload.data.step.reachedAt).toBeGreaterThanOrEqual(1000);
});

test("step reached fires once per visitor per run, not on reloads", async () => {
  const funnel = funnelWithSteps();
  const path = `/reached/${funnel.id}`;
  await createRule(server, funnel, {
    name: "Reached checkout",
    trigger: { type: "step_reached", step: 2 },
    conditions: [{ field: "device", op: "neq", value: "bot" }],
    action: { type: "webhook", url: `${receiver.url}${path}` },
  });
  await track(server, funnel, [page("/", "a"), page("/checkout", "a"), page("/checkout", "a"), page("/checkout", "b")]);
  await track(server, funnel, [page("/checkout", "a")]);
  const got = () => receiver.requests.filter((r) => r.path === path);
  await eventually(() => got().length >= 1, 5000, "a step delivery");
  await Bun.sleep(400);
  expect(got().length).toBe(1); // b never landed, a reloaded
  const body = JSON.parse(got()[0].body);
  expect(body.type).toBe("aurea.step_reached");
  expect(body.data.step).toMatchObject({ number: 2, name: "Checkout" });
  expect(body.data.event.anonymousId).toBe("a");
});

test("an abandonment rule paused before the check delivers nothing", async () => {
  const funnel = funnelWithSteps();
  const path = `/paused/${funnel.id}`;
  const rule = await createRule(server, funnel, {
    name: "r",
    trigger: { type: "abandoned", step: 1, after: "1s" },
    action: { type: "webhook", url: `${receiver.url}${path}` },
  });
  await track(server, funnel, [page("/", "x")]);
  await Bun.sleep(100);
  const res = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/automations/${rule.id}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${funnel.secretKey}` },
    body: JSON.stringify({ paused: true }),
  });
  expect(res.status).toBe(200);
  await Bun.sleep(1600);
  expect(receiver.requests.filter((r) => r.path === path).length).toBe(0);
});
