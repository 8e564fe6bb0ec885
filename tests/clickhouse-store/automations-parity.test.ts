// Automations on both event stores: the same events sent to a SQLite server and to a
// ClickHouse server fire the same rules (an event, a new contact, a step reached over
// two runs, an abandonment and one avoided by a purchase) with the same webhook
// payloads, visit and contact included. Only ids each server makes differ.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { saveSteps, parseSteps } from "../../src/funnels/steps-definition";
import { parseClickHouseUrl } from "../../src/store/clickhouse/connection";
import { startTestClickHouse, type TestClickHouse } from "../helpers/clickhouse";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";
import { Receiver, eventually } from "../automations/receiver";
import { compressBackoff, createRule } from "../automations/setup";

setDefaultTimeout(120_000);

let ch: TestClickHouse;
let receiver: Receiver;
const sides: { name: string; server: TestServer; funnel: TestFunnel }[] = [];

beforeAll(async () => {
  ch = await startTestClickHouse();
  receiver = await Receiver.start();
  for (const name of ["sqlite", "clickhouse"]) {
    const server = await startTestServer(
      name === "clickhouse"
        ? { allowPrivateWebhooks: true, processingThread: true, eventStore: parseClickHouseUrl(ch.eventsUrl) }
        : { allowPrivateWebhooks: true, eventStore: null },
    );
    compressBackoff(server);
    sides.push({ name, server, funnel: createTestFunnel(server) });
  }
});

afterAll(async () => {
  for (const s of sides) await s.server.stop();
  await ch.close();
  receiver.stop();
});

const pendingChecks = (s: TestServer) =>
  s.ctx.store.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM jobs WHERE kind = 'automation.abandonment_check' AND status IN ('pending', 'running')").get()!.n;

/** A payload without what each server makes on its own (ids, the firing time, row ids). */
function comparable(body: string): unknown {
  const p = JSON.parse(body);
  delete p.timestamp;
  delete p.data.rule.id;
  delete p.data.funnel.id;
  if (p.data.event) delete p.data.event.rowId;
  return p;
}

test("the same events fire the same rules with the same payloads on SQLite and ClickHouse", async () => {
  const T0 = Date.now();
  const ids = Array.from({ length: 8 }, () => eventId());
  for (const { name, server, funnel } of sides) {
    const def = parseSteps({ window: "1d", steps: [{ name: "Landing", page: "/" }, { name: "Checkout", page: "/checkout" }, { name: "Purchase", event: "purchase" }] });
    if (!def.ok) throw new Error(JSON.stringify(def.errors));
    saveSteps(server.ctx.store.db, funnel.id, def.value);
    const to = (rule: string) => ({ type: "webhook", url: `${receiver.url}/${name}/${rule}` });
    await createRule(server, funnel, { name: "Purchases", trigger: { type: "event", name: "purchase" }, action: to("event") });
    await createRule(server, funnel, { name: "New contact", trigger: { type: "contact_created" }, action: to("contact") });
    await createRule(server, funnel, { name: "Reached checkout", trigger: { type: "step_reached", step: 2 }, action: to("step") });
    // Long enough that the second batch is accepted before the checks are due (they then wait for it).
    await createRule(server, funnel, { name: "Checkout abandoned", trigger: { type: "abandoned", step: 2, after: "8s" }, action: to("abandoned") });

    const page = (id: string, path: string, visitor: string, ts: number, extra = "") => ({
      id, type: "page_view", url: `https://shop.example${path}${extra}`, anonymousId: visitor, sessionId: `visit-${visitor}`, ts,
    });
    const send = async (events: unknown[]) => {
      const res = await sendEvents(server, { funnelId: funnel.id, key: funnel.secretKey, events });
      expect(res.status).toBe(202);
    };
    // First run: both land and reach checkout.
    await send([
      page(ids[0], "/", "buyer", T0 - 4000, "?utm_source=newsletter&utm_campaign=spring"),
      page(ids[1], "/", "staller", T0 - 3900),
      page(ids[2], "/checkout", "buyer", T0 - 3000),
      page(ids[3], "/checkout", "staller", T0 - 2900),
    ]);
    await waitForEvents(server, funnel.id, funnel.secretKey, (e) => e.length === 4, 30_000);
    // A later run: a reload reaches nothing new (the earlier events are looked up in the store), the buyer identifies and buys.
    await send([
      page(ids[4], "/checkout", "staller", T0 - 2000),
      { id: ids[5], type: "identify", userId: "u-1", traits: { email: "ada@example.com", name: "Ada" }, anonymousId: "buyer", sessionId: "visit-buyer", ts: T0 - 1500 },
      { id: ids[6], type: "track", name: "purchase", props: { plan: "pro" }, anonymousId: "buyer", sessionId: "visit-buyer", ts: T0 - 1000 },
    ]);
  }

  const of = (name: string) => receiver.requests.filter((r) => r.path.startsWith(`/${name}/`));
  for (const { name, server } of sides) {
    await eventually(() => of(name).length >= 5 && pendingChecks(server) === 0, 60_000, `${name}: deliveries and abandonment checks`);
  }
  const byRule = (name: string) =>
    of(name)
      .map((r) => ({ rule: r.path.slice(name.length + 2), payload: comparable(r.body) as any }))
      .sort((a, b) => `${a.rule}${a.payload.data.event?.anonymousId}`.localeCompare(`${b.rule}${b.payload.data.event?.anonymousId}`));
  const sqlite = byRule("sqlite");
  const clickhouse = byRule("clickhouse");
  expect(sqlite.map((d) => `${d.rule}:${d.payload.data.event?.anonymousId}`)).toEqual([
    "abandoned:staller", "contact:buyer", "event:buyer", "step:buyer", "step:staller",
  ]);
  expect(clickhouse).toEqual(sqlite);
  // The visit is in the payload on both: where the buyer came from.
  const purchase = clickhouse.find((d) => d.rule === "event")!.payload;
  expect(purchase.data.session).toMatchObject({ id: "visit-buyer", entryPath: "/", utm_source: "newsletter", utm_campaign: "spring", startedAt: T0 - 4000 });
  expect(purchase.data.contact).toMatchObject({ email: "ada@example.com", userId: "u-1" });
});
