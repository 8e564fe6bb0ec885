// The "Right now" card's sources: the visits with an event in the last five minutes,
// found through the events of the window (bounded by an index), give exactly what
// selecting visits by their last event time gives (which walks every visit).
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openStore } from "../../src/db/open";
import { createFunnel } from "../../src/funnels/store";
import { seedDemo } from "../../src/store/sqlite/demo-seed";
import { liveNow, NOW_WINDOW_MS } from "../../src/store/sqlite/dashboard/live-now";
import { WIDE_SESSIONS_SQL } from "../../src/store/sqlite/layout/wide";
import { tempDir } from "../helpers/server";

const dir = tempDir("aurea-live-now-");
const store = openStore(dir);
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test("sources of the visitors right now match the visits whose last event is in the window", () => {
  const NOW = Date.UTC(2026, 5, 15, 12);
  const funnelId = createFunnel(store.db, { name: "Now", url: "https://now.example" }).funnel.id;
  seedDemo(store.sqlite, funnelId, { events: 20_000, days: 1, now: NOW, seed: 11 });
  const reference = store.sqlite.query<{ source: string; visitors: number }, [string, number]>(
    `SELECT coalesce(nullif(channel, ''), 'Direct') AS source, count(DISTINCT anonymous_id) AS visitors
     FROM (${WIDE_SESSIONS_SQL}) WHERE funnel_id = ? AND last_at >= ? GROUP BY source ORDER BY visitors DESC, source LIMIT 5`,
  );
  let seen = 0;
  for (const hoursAgo of [0, 1, 3, 7, 12, 20]) {
    const now = NOW - hoursAgo * 3_600_000;
    const card = liveNow(store.sqlite, funnelId, now);
    expect(card.sources).toEqual(reference.all(funnelId, now - NOW_WINDOW_MS));
    seen += card.sources.length;
  }
  expect(seen).toBeGreaterThan(0);
});
