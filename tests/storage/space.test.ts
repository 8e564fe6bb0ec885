// Space comes back and is shown: new databases are made with incremental auto-vacuum,
// the retention pass of a real server gives the pages it freed back to the filesystem,
// and Settings → Data size shows the funnel's share and its projection.
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "../../src/db/open";
import { seedDemo } from "../../src/store/sqlite/demo-seed";
import { createFunnel, updateFunnel } from "../../src/funnels/store";
import { startTestServer, tempDir } from "../helpers/server";
import { signedInOwner } from "../web/client";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 8, 10, 12);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function seeded(plan: { name: string; events: number; days: number; retention: number | null }[]): { dir: string; ids: string[] } {
  const dir = tempDir("aurea-space-");
  dirs.push(dir);
  const store = openStore(dir);
  const ids = plan.map((p, i) => {
    const id = createFunnel(store.db, { name: p.name, url: "https://shop.example" }).funnel.id;
    seedDemo(store.sqlite, id, { events: p.events, days: p.days, now: NOW, seed: 40 + i });
    if (p.retention) updateFunnel(store.db, id, { retentionDays: p.retention });
    return id;
  });
  store.close();
  return { dir, ids };
}

/**
 * The file's size once its WAL is copied in (the file shrinks at a checkpoint). A stopped
 * server's threads close their connections a moment later: until then the checkpoint is busy.
 */
async function checkpointedSize(dir: string): Promise<number> {
  const s = new Database(join(dir, "aurea.db"));
  try {
    const deadline = Date.now() + 30_000;
    while ((s.query("PRAGMA wal_checkpoint(TRUNCATE)").get() as { busy: number }).busy && Date.now() < deadline) await Bun.sleep(50);
    expect(s.query("PRAGMA wal_checkpoint(TRUNCATE)").get()).toEqual({ busy: 0, log: 0, checkpointed: 0 });
  } finally {
    s.close();
  }
  return statSync(join(dir, "aurea.db")).size;
}

test("a new database is made with incremental auto-vacuum", () => {
  const dir = tempDir("aurea-space-");
  dirs.push(dir);
  const store = openStore(dir);
  expect(store.sqlite.query("PRAGMA auto_vacuum").get()).toEqual({ auto_vacuum: 2 });
  store.close();
});

test("the retention pass deletes old events and gives their space back to the filesystem", async () => {
  const { dir, ids } = seeded([{ name: "Kept briefly", events: 30_000, days: 60, retention: 6 }]);
  const before = await checkpointedSize(dir);
  const server = await startTestServer({ dataDir: dir, now: () => NOW });
  try {
    const sqlite = server.ctx.store.sqlite;
    const old = () => (sqlite.query("SELECT count(*) AS n FROM events WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?) AND ts < ?").get(ids[0], NOW - 6 * DAY) as { n: number }).n;
    const free = () => (sqlite.query("PRAGMA freelist_count").get() as { freelist_count: number }).freelist_count;
    const deadline = Date.now() + 60_000;
    while ((old() > 0 || free() > 0) && Date.now() < deadline) await Bun.sleep(50);
    expect(old()).toBe(0);
    expect(free()).toBe(0);
  } finally {
    await server.stop();
  }
  // Six of sixty days are left: the file is well under half its size.
  expect(await checkpointedSize(dir)).toBeLessThan(before * 0.5);
}, 120_000);

test("Settings → Data size: the funnel's share of the file and the size at its rate for its retention", async () => {
  const { dir, ids } = seeded([
    { name: "Shop", events: 12_000, days: 20, retention: 90 },
    { name: "Blog", events: 4_000, days: 20, retention: null },
  ]);
  const server = await startTestServer({ dataDir: dir, now: () => NOW });
  try {
    const owner = await signedInOwner(server);
    const settings = await owner.load(`/funnels/${ids[0]}/settings`);
    expect(settings).toContain(`hx-get="/funnels/${ids[0]}/settings/data-size"`);

    const sqlite = server.ctx.store.sqlite;
    const count = (sql: string, ...p: (string | number)[]) => (sqlite.query(sql).get(...p) as { n: number }).n;
    const total = count("SELECT count(*) AS n FROM events");
    const shop = count("SELECT count(*) AS n FROM events WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?)", ids[0]);
    const first = count("SELECT min(ts) AS n FROM events WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?)", ids[0]);
    const page = sqlite.query("SELECT (SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count) AS used, (SELECT page_size FROM pragma_page_size) AS size").get() as { used: number; size: number };
    const perEvent = (page.used * page.size) / total;
    // Under 30 days of history: the rate is over the days since the first event.
    const perDay = shop / ((NOW - first) / DAY);

    const card = await (await owner.get(`/funnels/${ids[0]}/settings/data-size`, { "hx-request": "true" })).text();
    const attr = (name: string) => Number(card.match(new RegExp(`${name}="(\\d+)"`))?.[1]);
    expect(card).toContain(`for ${shop.toLocaleString("en-US")} events`);
    expect(attr("data-size-bytes")).toBeCloseTo(shop * perEvent, -3);
    expect(attr("data-projected-bytes") / (perDay * 90 * perEvent)).toBeCloseTo(1, 2);
    expect(card).toContain("for the 90 days it keeps");

    const blog = await (await owner.get(`/funnels/${ids[1]}/settings/data-size`, { "hx-request": "true" })).text();
    expect(blog).toContain("a year of data (no retention is set");
    expect((await owner.get("/funnels/fn_nope/settings/data-size", { "hx-request": "true" })).status).toBe(404);
    // A funnel with no events yet: nothing now, nothing projected.
    const empty = createFunnel(server.ctx.store.db, { name: "New", url: "https://new.example" }).funnel.id;
    const none = await (await owner.get(`/funnels/${empty}/settings/data-size`, { "hx-request": "true" })).text();
    expect(none).toContain('data-size-bytes="0"');
    expect(none).toContain('data-projected-bytes="0"');
    // Without htmx: a page of its own.
    expect(await (await owner.get(`/funnels/${ids[0]}/settings/data-size`)).text()).toContain('<section class="card" id="data-size">');
  } finally {
    await server.stop();
  }
}, 120_000);
