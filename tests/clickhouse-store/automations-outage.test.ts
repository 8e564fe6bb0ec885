// An abandonment check that comes due while ClickHouse is down waits for it (looked at
// again, no attempt counted) and fires once it is back: the visitor is not lost.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { parseSteps, saveSteps } from "../../src/funnels/steps-definition";
import { Receiver } from "../automations/receiver";
import { compressBackoff, createRule } from "../automations/setup";
import { parseClickHouseUrl } from "../../src/store/clickhouse/connection";
import { startTestClickHouse, type TestClickHouse } from "../helpers/clickhouse";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestServer } from "../helpers/server";
import { until } from "./helpers";

let s: { ch: TestClickHouse; server: TestServer };
let receiver: Receiver;

beforeAll(async () => {
  const ch = await startTestClickHouse();
  const server = await startTestServer({ processingThread: true, allowPrivateWebhooks: true, eventStore: parseClickHouseUrl(ch.eventsUrl) });
  s = { ch, server };
  compressBackoff(server);
  receiver = await Receiver.start();
});
afterAll(async () => {
  await s.server.stop();
  await s.ch.close();
  receiver.stop();
});

const checkJob = () =>
  s.server.ctx.store.sqlite
    .query<{ status: string; attempts: number; run_at: number }, []>("SELECT status, attempts, run_at FROM jobs WHERE kind = 'automation.abandonment_check'")
    .get();

test("an abandonment check due while ClickHouse is down fires once it is back", async () => {
  const funnel = createTestFunnel(s.server);
  const def = parseSteps({ window: "1d", steps: [{ name: "Landing", page: "/" }, { name: "Checkout", page: "/checkout" }, { name: "Purchase", event: "purchase" }] });
  if (!def.ok) throw new Error(JSON.stringify(def.errors));
  saveSteps(s.server.ctx.store.db, funnel.id, def.value);
  await createRule(s.server, funnel, { name: "Abandoned", trigger: { type: "abandoned", step: 2, after: "2s" }, action: { type: "webhook", url: `${receiver.url}/abandoned` } });
  const page = (path: string) => ({ id: eventId(), type: "page_view", url: `https://shop.example${path}`, anonymousId: "staller" });
  expect((await sendEvents(s.server, { funnelId: funnel.id, key: funnel.secretKey, events: [page("/"), page("/checkout")] })).status).toBe(202);
  await waitForEvents(s.server, funnel.id, funnel.secretKey, (e) => e.length === 2, 30_000);
  const scheduled = await until("the check to be scheduled", () => checkJob() ?? undefined);

  await s.ch.stop();
  // Tried while ClickHouse was down: put back for later, the attempt not counted.
  await until("the check to be put back", () => {
    const job = checkJob();
    return job && job.status === "pending" && job.run_at > scheduled.run_at ? job : undefined;
  });
  expect(checkJob()!.attempts).toBe(0);
  expect(receiver.requests).toHaveLength(0);

  await s.ch.start();
  await until("the abandonment delivery", () => (receiver.requests.length ? true : undefined), 60_000);
  const body = JSON.parse(receiver.requests[0].body);
  expect(body.type).toBe("aurea.abandoned");
  expect(body.data.event).toMatchObject({ anonymousId: "staller", path: "/checkout" });
  expect(body.data.session).toMatchObject({ entryPath: "/" });
  expect(checkJob()!.status).toBe("done");
});
