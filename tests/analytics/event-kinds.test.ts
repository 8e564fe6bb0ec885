// The events panel separates custom events from conversions and automatic ones;
// the live view hides automatic events unless asked to show them.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventNameKinds } from "../../src/store/sqlite/dashboard/event-names";
import { eventId, TEST_EVENTS } from "../helpers/server";
import { sendPublic, startFixture, waitFor, type Fixture } from "./fixture";

let f: Fixture;
const text = async (path: string) => {
  const res = await f.owner.get(path, { "hx-request": "true" });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
  return body;
};
/** The names listed in a panel's rows. */
const rowNames = (html: string) => [...html.matchAll(/aria-label="Properties of ([^"]+)"/g)].map((m) => m[1]);

beforeAll(async () => {
  f = await startFixture();
  const t = Date.now() - 10 * 60_000;
  await sendPublic(f, [
    { id: eventId(), type: "track", name: "scroll_depth", anonymousId: "anon-ben", sessionId: "s-ben", ts: t, url: "https://shop.example/pricing", props: { depth: 50 } },
    { id: eventId(), type: "track", name: "section_view", anonymousId: "anon-ben", sessionId: "s-ben", ts: t + 1000, url: "https://shop.example/pricing", props: { section: "faq" } },
  ]);
  await waitFor(f, 10);
});
afterAll(() => f.server.stop());

test("the events panel lists custom events apart from conversions and automatic ones", async () => {
  const custom = await text(`${f.base}/panels/events?range=today`);
  expect(rowNames(custom)).toEqual(["checkout_initiated"]);
  expect(custom).toMatch(/Custom <span class="muted">1<\/span>/);
  expect(custom).toMatch(/Conversions <span class="muted">1<\/span>/);
  expect(custom).toMatch(/Automatic <span class="muted">3<\/span>/);
  expect(rowNames(await text(`${f.base}/panels/events?range=today&kind=conversion`))).toEqual(["purchase"]);
  expect(rowNames(await text(`${f.base}/panels/events?range=today&kind=auto`)).sort()).toEqual(["identify", "scroll_depth", "section_view"]);
  expect((await f.owner.get(`${f.base}/panels/events?kind=everything`, { "hx-request": "true" })).status).toBe(400);
});

test("the live view hides automatic events until asked to show them", async () => {
  const page = await (await f.owner.get(`${f.base}?range=today`)).text();
  const live = page.slice(page.indexOf('id="live-list"'));
  expect(live).toContain("checkout_initiated");
  expect(live).not.toContain("scroll_depth");
  expect(page).toContain("Show automatic events");
  const shown = await text(`${f.base}/live?card=1&auto=show`);
  expect(shown).toContain("scroll_depth");
  expect(shown).toContain("section_view");
  expect(shown).toContain("Hide automatic events");
  expect(shown).toContain(`data-live-stream="${f.base}/live/stream?auto=show&amp;after=`); // the stream keeps showing them
  const hidden = await text(`${f.base}/live?after=0`);
  expect(hidden).toContain("checkout_initiated");
  expect(hidden).not.toContain("scroll_depth");
  expect(await text(`${f.base}/live?after=0&auto=show`)).toContain("section_view");
});

test("the live stream leaves automatic events out unless asked to show them", async () => {
  const firstRows = async (query: string) => {
    const res = await f.owner.get(`${f.base}/live/stream?${query}`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("event: rows")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    return text;
  };
  const hidden = await firstRows("after=0");
  expect(hidden).toContain("checkout_initiated");
  expect(hidden).not.toContain("scroll_depth");
  expect(await firstRows("after=0&auto=show")).toContain("scroll_depth");
  expect((await f.owner.get(`${f.base}/live/stream?auto=maybe`)).status).toBe(400);
});

// SQLite's query plan and tables: nothing to check when the events are in ClickHouse.
test.skipIf(TEST_EVENTS === "clickhouse")("conversion and identify names are found by index seeks", () => {
  const plan = f.server.ctx.store.sqlite
    .query(
      `EXPLAIN QUERY PLAN SELECT k.name AS name FROM kinds k WHERE k.type = ?
         AND EXISTS (SELECT 1 FROM events e INDEXED BY events_funnel_kind WHERE e.funnel = ? AND e.kind = k.id) ORDER BY k.name LIMIT ?`,
    )
    .all("conversion", 1, 1000) as { detail: string }[];
  expect(plan.map((p) => p.detail).join("\n")).toMatch(/SEARCH e (EXISTS )?USING COVERING INDEX events_funnel_kind \(funnel=\? AND kind=\?\)/);
  expect(eventNameKinds(f.server.ctx.store.sqlite, f.funnel.id)).toEqual({ conversions: new Set(["purchase"]), identifies: new Set(["identify"]) });
});
