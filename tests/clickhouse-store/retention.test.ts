// Retention and funnel deletion with the ClickHouse store: events and visits before a
// cutoff go (whole months dropped when only this funnel fills them), later ones stay;
// forgetting a funnel removes its rows in ClickHouse and its contacts in SQLite.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ClickHouseEventRetention } from "../../src/store/clickhouse/retention";
import { createTestFunnel, eventId, sendEvents, type TestFunnel } from "../helpers/server";
import { queueDrained, rows, startClickHouseServer, until, type ClickHouseServer } from "./helpers";

let s: ClickHouseServer;
const DAY = 86_400_000;

beforeAll(async () => {
  s = await startClickHouseServer();
});
afterAll(() => s.stop());

async function seed(funnel: TestFunnel, days: number[], visitor: string) {
  const events = days.flatMap((d, i) => [
    { id: eventId(), type: "page_view", anonymousId: `${visitor}-${i}`, ts: Date.now() - d * DAY, url: "https://shop.example/" },
    { id: eventId(), type: "page_view", anonymousId: `${visitor}-${i}`, ts: Date.now() - d * DAY + 60_000, url: "https://shop.example/b" },
  ]);
  const r = await sendEvents(s.server, { funnelId: funnel.id, key: funnel.secretKey, events });
  expect(r.status).toBe(202);
  await queueDrained(s.server);
}

async function counts(funnelId: string) {
  const [e] = await rows<{ n: string; old: string }>(s.client, "SELECT count() AS n FROM events WHERE funnel_id = {f:String}", { f: funnelId });
  const [ids] = await rows<{ n: string }>(s.client, "SELECT count() AS n FROM event_ids WHERE funnel_id = {f:String}", { f: funnelId });
  const [v] = await rows<{ n: string }>(s.client, "SELECT count() AS n FROM (SELECT session_id FROM visits WHERE funnel_id = {f:String} GROUP BY funnel_id, visit_start, session_id)", { f: funnelId });
  return { events: Number(e.n), ids: Number(ids.n), visits: Number(v.n) };
}

test("deleteBefore removes a funnel's events and visits before the cutoff, not after, not another funnel's", async () => {
  const a = createTestFunnel(s.server, { name: "A" });
  const b = createTestFunnel(s.server, { name: "B" });
  await seed(a, [400, 200, 100, 3, 1], "va"); // five visits, two events each
  await seed(b, [200, 1], "vb");
  expect(await counts(a.id)).toEqual({ events: 10, ids: 10, visits: 5 });
  const result = await s.server.ctx.store.events.retention.deleteBefore(a.id, Date.now() - 30 * DAY);
  expect(result).toEqual({ events: 6, sessions: 3 });
  expect(await counts(a.id)).toEqual({ events: 4, ids: 4, visits: 2 });
  expect(await counts(b.id)).toEqual({ events: 4, ids: 4, visits: 2 });
  // The months only A filled are dropped whole (no part left), the one B shares is not.
  const month = (days: number) => { const d = new Date(Date.now() - days * DAY); return String(d.getUTCFullYear() * 100 + d.getUTCMonth() + 1); };
  const parts = await rows<{ partition: string }>(s.client, "SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = 'events' AND active");
  const partitions = parts.map((p) => p.partition);
  expect(partitions).not.toContain(month(400));
  expect(partitions).toContain(month(200));
  // Nothing left before the cutoff: a second pass deletes nothing.
  const again = await s.server.ctx.store.events.retention.deleteBefore(a.id, Date.now() - 30 * DAY);
  expect(again).toEqual({ events: 0, sessions: 0 });
});

test("forgetting a funnel removes its ClickHouse rows and its contacts", async () => {
  const f = createTestFunnel(s.server, { name: "Gone" });
  await seed(f, [2, 1], "vg");
  const r = await sendEvents(s.server, { funnelId: f.id, key: f.secretKey, events: [{ id: eventId(), type: "identify", anonymousId: "vg-0", traits: { email: "gone@example.com" } }] });
  expect(r.status).toBe(202);
  await queueDrained(s.server);
  const sqlite = s.server.ctx.store.sqlite;
  const contacts = () => sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM contacts WHERE funnel_id = ?").get(f.id)!.n;
  expect(contacts()).toBe(1);
  const retention = s.server.ctx.store.events.retention as ClickHouseEventRetention;
  sqlite.transaction(() => retention.forgetFunnel(f.id))();
  expect(contacts()).toBe(0);
  await until("the funnel's rows to leave ClickHouse", async () => {
    const c = await counts(f.id);
    const [vc] = await rows<{ n: string }>(s.client, "SELECT count() AS n FROM visitor_contacts WHERE funnel_id = {f:String}", { f: f.id });
    return c.events + c.ids + c.visits + Number(vc.n) === 0 ? true : undefined;
  });
});
