// ClickHouse down: events keep being accepted (202) and stay queued, /healthz and the
// dashboard say so with the URL's password masked, and the queue drains by itself
// once ClickHouse answers again, with nothing lost.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { queueCounts } from "../../src/pipeline/batch-list";
import { createTestFunnel, eventId, sendEvents, type TestFunnel } from "../helpers/server";
import { signedInOwner } from "../web/client";
import { healthz, queueDrained, rows, startClickHouseServer, until, type ClickHouseServer } from "./helpers";

const PASSWORD = "s3cr3t-Pa55";
let s: ClickHouseServer;
let funnel: TestFunnel;

beforeAll(async () => {
  s = await startClickHouseServer({ password: PASSWORD });
  funnel = createTestFunnel(s.server);
});
afterAll(() => s.stop());

async function stored(): Promise<number> {
  const [r] = await rows<{ n: string }>(s.client, "SELECT count() AS n FROM events WHERE funnel_id = {f:String}", { f: funnel.id });
  return Number(r.n);
}

test("while ClickHouse is down, events are accepted and queued; health is degraded; all of them land once it is back", async () => {
  const before = Array.from({ length: 5 }, (_, i) => ({ id: eventId(), type: "page_view", anonymousId: "v-out", ts: Date.now() - 60_000 + i, url: "https://shop.example/a" }));
  expect((await sendEvents(s.server, { funnelId: funnel.id, key: funnel.secretKey, events: before })).status).toBe(202);
  await queueDrained(s.server);
  expect(await stored()).toBe(5);
  expect((await healthz(s.server)).body.checks.events).toMatchObject({ status: "ok", store: "clickhouse" });

  const owner = await signedInOwner(s.server);
  await s.ch.stop();
  const ids: string[] = [];
  for (let b = 0; b < 6; b++) {
    const events = Array.from({ length: 10 }, (_, i) => {
      const id = eventId();
      ids.push(id);
      return { id, type: "page_view", anonymousId: `v-out-${b}`, ts: Date.now() - 30_000 + i, url: `https://shop.example/p/${i}` };
    });
    const r = await sendEvents(s.server, { funnelId: funnel.id, key: funnel.secretKey, events });
    expect(r.status).toBe(202);
  }
  const health = await until("health to report ClickHouse down", async () => {
    const h = await healthz(s.server);
    return h.body.checks.events.status === "degraded" ? h : undefined;
  });
  expect(health.status).toBe(200); // degraded, not failing: a readiness probe keeps sending traffic
  expect(health.body.status).toBe("degraded");
  expect(health.body.checks.events.url).toBe(`clickhouse://aurea:***@127.0.0.1:${s.ch.port}/${s.ch.database}`);
  expect(health.text).not.toContain(PASSWORD);
  expect(queueCounts(s.server.ctx.store.queue).pending).toBe(6); // nothing left the queue

  // Every dashboard page says so, loudly, with the URL masked; reports that need events answer 503, not 500.
  const list = await owner.get("/funnels");
  expect(list.status).toBe(503);
  for (const page of [await list.text(), await (await owner.get("/settings/users")).text()]) {
    expect(page).toContain('class="site-notice" role="alert"');
    expect(page).toContain(`ClickHouse at clickhouse://aurea:***@127.0.0.1:${s.ch.port}/${s.ch.database} is not answering`);
    expect(page).not.toContain(PASSWORD);
  }
  const page = await (await owner.get("/settings/users")).text();
  expect(page).toContain('class="site-notice" role="alert"');
  expect(page).toContain(`ClickHouse at clickhouse://aurea:***@127.0.0.1:${s.ch.port}/${s.ch.database} is not answering`);
  expect(page).toContain("Events are still accepted and kept in the queue (6 batches waiting)");
  expect(page).not.toContain(PASSWORD);

  // More keeps being accepted meanwhile.
  const late = { id: eventId(), type: "page_view", anonymousId: "v-out-late", url: "https://shop.example/late" };
  ids.push(late.id);
  expect((await sendEvents(s.server, { funnelId: funnel.id, key: funnel.secretKey, events: [late] })).status).toBe(202);

  await s.ch.start();
  await queueDrained(s.server, 60_000);
  const landed = await rows<{ id: string }>(s.client, "SELECT id FROM events WHERE funnel_id = {f:String} AND id IN {ids:Array(String)}", { f: funnel.id, ids });
  expect(landed.map((r) => r.id).sort()).toEqual([...ids].sort());
  expect(await stored()).toBe(5 + ids.length);
  await until("health to recover", async () => ((await healthz(s.server)).body.checks.events.status === "ok" ? true : undefined));
  expect(await (await owner.get("/funnels")).text()).not.toContain("site-notice");
  expect(s.server.logs.join("\n")).not.toContain(PASSWORD);
});
