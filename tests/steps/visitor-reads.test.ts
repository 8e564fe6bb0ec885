// A visitor's reads in the compact layout: their events are found through their visits,
// and events with no visit (a payment that found none: NO_VISIT) are found too, for the
// visitor of the order's own id and for a visitor who also has visits.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openStore } from "../../src/db/open";
import { createFunnel } from "../../src/funnels/store";
import { insertEvent, insertSession } from "../helpers/layout-rows";
import { tempDir } from "../helpers/server";

const dir = tempDir("aurea-visitor-reads-");
const store = openStore(dir);
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const T = Date.UTC(2026, 4, 1, 12);
const funnelId = createFunnel(store.db, { name: "Shop", url: "https://shop.example" }).funnel.id;
const other = createFunnel(store.db, { name: "Other", url: "https://other.example" }).funnel.id;
const visitor = crypto.randomUUID();
const visit = crypto.randomUUID();
const ev = (over: Record<string, string | number | null>, noVisit = false) =>
  insertEvent(store.sqlite, { funnel_id: funnelId, id: crypto.randomUUID(), type: "page_view", name: "page_view", ts: T, anonymous_id: visitor, session_id: visit, ...over } as never, { session: !noVisit });

// The visitor: two page views in a visit, then a refund with no visit. The same ids in another funnel stay apart.
insertSession(store.sqlite, {
  funnel_id: funnelId, id: visit, anonymous_id: visitor, started_at: T, last_at: T + 60_000, entry_path: "/pricing",
  channel: "Paid Search", device: "mobile", country: "FR",
});
const first = ev({ path: "/pricing", ts: T, channel: "Paid Search", device: "mobile", country: "FR" });
const second = ev({ path: "/checkout", ts: T + 60_000 });
const refund = ev({ type: "refund", name: "refund", ts: T + 3_600_000, revenue_minor: -500, currency: "EUR", order_id: "o9", session_id: visitor }, true);
insertEvent(store.sqlite, { funnel_id: other, id: crypto.randomUUID(), type: "page_view", name: "page_view", ts: T + 7_200_000, anonymous_id: visitor, session_id: visit });
// A payment that found no visit: its visitor and visit are the order's own id.
const nv = "nv:stripe:o1";
const paid = ev({ type: "conversion", name: "purchase", ts: T + 120_000, anonymous_id: nv, session_id: nv, revenue_minor: 4900, currency: "EUR", order_id: "o1", props: '{"plan":"pro"}' }, true);

const reader = store.events.journeys;
// What automations look up inside the processing transaction.
const lookups = store.events.visitors;

test("a visitor's timeline: their visits' events and their events with no visit, oldest first", () => {
  const events = lookups.timelineOf(funnelId, visitor, T - 1, T + 86_400_000);
  expect(events.map((e) => [e.rowId, e.type, e.path])).toEqual([[first, "page_view", "/pricing"], [second, "page_view", "/checkout"], [refund, "refund", null]]);
  expect(lookups.timelineOf(funnelId, visitor, T + 1, T + 60_000).map((e) => e.rowId)).toEqual([second]);
  const order = lookups.timelineOf(funnelId, nv, T, T + 86_400_000);
  expect(order).toEqual([{ rowId: paid, type: "conversion", name: "purchase", path: null, ts: T + 120_000, props: { plan: "pro" } }]);
  expect(lookups.timelineOf(funnelId, "never-seen", 0, T * 2)).toEqual([]);
});

test("who a visitor is: the latest event, with its visit's public id (the order's own with no visit)", async () => {
  const [a, b, c] = await reader.visitorIdentities(funnelId, [`a${visitor}`, `a${nv}`, "anever-seen"]);
  expect(a.lastEvent).toEqual({ type: "refund", name: "refund", path: null, ts: T + 3_600_000, sessionId: visitor, anonymousId: visitor });
  expect(b.lastEvent).toEqual({ type: "conversion", name: "purchase", path: null, ts: T + 120_000, sessionId: nv, anonymousId: nv });
  expect(c).toEqual({ visitor: "anever-seen", contactId: null, anonymousId: "never-seen", email: null, contactName: null, lastEvent: null });
});

test("where a visitor came from, and their visit for automations", async () => {
  const [entry] = await reader.visitorEntries(funnelId, [{ visitor: `a${visitor}`, enteredAt: T + 60_000 }]);
  expect(entry).toMatchObject({ channel: "Paid Search", device: "mobile", country: "FR", firstSeen: T });
  expect(lookups.sessionOf(funnelId, visit)).toMatchObject({ id: visit, startedAt: T, entryPath: "/pricing", channel: "Paid Search", device: "mobile" });
  expect(lookups.sessionOf(funnelId, nv)).toBeNull();
  expect(lookups.contactOfVisitor(funnelId, visitor)).toBeNull();
});
