// The writer batches a whole run (event inserts, session folds): the same queued batches
// processed one per transaction and all in one transaction must leave exactly the same
// rows, duplicates, new visits, contacts, superseded orders and payments included.
import { afterAll, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InlineReads } from "../../src/analytics/reads/run";
import type { AppContext } from "../../src/context";
import { openStore, type Store } from "../../src/db/open";
import { openGeo } from "../../src/enrich/geo";
import { createFunnel } from "../../src/funnels/store";
import { GroupCommitter, type BatchRow } from "../../src/ingest/group-commit";
import { validateEvents } from "../../src/ingest/validate";
import { createOps } from "../../src/ops/ops";
import type { PaymentFact } from "../../src/payments/payment";
import { PAYMENT_KEY_KIND } from "../../src/payments/record";
import { installEventListeners } from "../../src/pipeline/listeners";
import { IngestWorker } from "../../src/pipeline/worker";
import { WIDE_CONTACT_VISITORS_SQL, WIDE_EVENTS_SQL, WIDE_SESSIONS_SQL } from "../../src/store/sqlite/layout";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const BOT = "Googlebot/2.1 (+http://www.google.com/bot.html)";
const MIN = 60_000;
const T0 = Date.now() - 3 * 60 * MIN;

type Batch = { key: "public" | "secret" | "payment"; ua?: string; ip?: string; events?: object[]; facts?: PaymentFact[] };
let n = 0;
const id = () => `e-${String(++n).padStart(4, "0")}`;
const at = (minutes: number) => T0 + minutes * MIN;
const page = (anonymousId: string, minutes: number, path: string, extra: object = {}) => ({ id: id(), type: "page_view", anonymousId, ts: at(minutes), url: `https://shop.example${path}`, ...extra });

function batches(): Batch[] {
  n = 0;
  const dup = page("v1", 1, "/pricing");
  const dupInBatch = page("v3", 20, "/a");
  const v2early = page("v2", 3, "/", { sessionId: "cs-2" });
  return [
    { key: "public", ua: CHROME, ip: "203.0.113.9", events: [
      page("v1", 0, "/?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring", { referrer: "https://l.facebook.com/" }),
      dup,
      { id: id(), type: "track", name: "scroll_depth", anonymousId: "v1", ts: at(1.5), url: "https://shop.example/pricing", props: { depth: 50 } },
    ] },
    { key: "public", ua: CHROME, ip: "203.0.113.9", events: [page("v1", 2, "/features"), v2early, page("v2", 4, "/pricing", { sessionId: "cs-2" })] },
    { key: "public", ua: CHROME, ip: "203.0.113.9", events: [
      { id: id(), type: "conversion", name: "purchase", anonymousId: "v1", ts: at(5), url: "https://shop.example/thanks", revenue: { amount: 49, currency: "USD" }, props: { order_id: "o-1" } },
    ] },
    { key: "public", ua: CHROME, ip: "203.0.113.9", events: [dup, page("v1", 6, "/thanks"), { ...v2early }] },
    { key: "public", ua: BOT, ip: "66.249.66.1", events: [page("bot", 6, "/")] },
    { key: "secret", events: [
      { id: id(), type: "identify", anonymousId: "v1", ts: at(7), userId: "u-1", traits: { email: "Ann@Example.com", name: "Ann" } },
      { id: id(), type: "conversion", name: "purchase", anonymousId: "v1", ts: at(8), userId: "u-1", revenue: { amount: 49, currency: "USD" }, props: { order_id: "o-1" } },
      { id: id(), type: "track", name: "license_issued", anonymousId: "v1", ts: at(9) },
    ] },
    { key: "payment", facts: [
      { kind: "order", provider: "stripe", providerEventId: "evt_1", orderId: "o-2", amountMinor: 1900, currency: "EUR", ts: at(10), email: "ann@example.com", reference: null, test: false },
      { kind: "order", provider: "stripe", providerEventId: "evt_2", orderId: "o-3", amountMinor: 500, currency: "EUR", ts: at(10), email: "nobody@example.com", reference: null, test: false },
    ] },
    { key: "public", ua: CHROME, ip: "203.0.113.7", events: [dupInBatch, { ...dupInBatch }, page("v3", 21, "/b"), { id: id(), type: "page_view", ts: at(22), url: "https://shop.example/cookieless" }] },
    { key: "public", ua: CHROME, ip: "203.0.113.9", events: [page("v2", 23, "/pricing", { sessionId: "cs-2" }), page("v1", 50, "/blog?utm_source=newsletter&utm_campaign=dec")] },
    { key: "secret", events: [{ id: id(), type: "identify", anonymousId: "v2", ts: at(24), userId: "u-2" }, page("v2", 25, "/account", { sessionId: "cs-2", ip: "198.51.100.4", userAgent: CHROME })] },
    { key: "public", ua: CHROME, ip: "203.0.113.9", events: [page("v2", 26, "/done", { sessionId: "cs-2" }), page("v1", 51, "/blog/2")] },
    { key: "payment", facts: [
      { kind: "order", provider: "stripe", providerEventId: "evt_1", orderId: "o-2", amountMinor: 1900, currency: "EUR", ts: at(10), email: "ann@example.com", reference: null, test: false },
      { kind: "refund", provider: "stripe", providerEventId: "evt_3", orderId: "o-2", refundId: "re_1", amountMinor: 400, currency: "EUR", ts: at(52), email: null, reference: null, test: false },
    ] },
  ];
}

async function processed(batchesPerRun: number, times = 1, runPayloadBytes?: number, runs: number[] = []): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), "aurea-run-parity-"));
  dirs.push(dir);
  const store = openStore(dir);
  const ctx: AppContext = {
    store, reads: new InlineReads(store.sqlite), config: { dataDir: dir } as AppContext["config"], geo: await openGeo(null),
    now: Date.now, log: (line) => console.error(line), ops: createOps({ dataDir: dir }, () => {}, Date.now), eventListeners: [], stopping: false,
  };
  installEventListeners(ctx);
  store.sqlite.exec("INSERT INTO visitor_salts (day, salt) VALUES ('" + new Date(T0 + 3 * 60 * MIN).toISOString().slice(0, 10) + "', 'fixed-salt')");
  const { funnel } = createFunnel(store.db, { name: "Parity", url: "https://shop.example" });
  store.sqlite.run("UPDATE funnels SET id = 'f-parity' WHERE id = ?", [funnel.id]);
  const committer = new GroupCommitter(store.queue, 1000);
  const receivedAt = T0 + 3 * 60 * MIN;
  const rows: BatchRow[] = batches().map((b) => {
    if (b.key === "payment") return { funnelId: "f-parity", keyKind: PAYMENT_KEY_KIND, receivedAt, ip: null, userAgent: null, payload: JSON.stringify(b.facts) };
    const { events } = validateEvents(b.events!, b.key, receivedAt, undefined);
    return { funnelId: "f-parity", keyKind: b.key, receivedAt, ip: b.ip ?? null, userAgent: b.ua ?? null, payload: JSON.stringify(events) };
  });
  const worker = new IngestWorker(ctx, { batchesPerRun, runPayloadBytes });
  worker.stop(); // no timer: drain() alone processes
  worker.onProcessed = (count) => runs.push(count);
  for (let i = 0; i < times; i++) {
    for (const row of rows) await committer.enqueue(row);
    worker.drain();
    expect(store.queue.query<{ n: number }, []>("SELECT count(*) AS n FROM ingest_batches").get()!.n).toBe(0);
  }
  return store;
}

/** Every row of the event plane, generated session ids replaced by their order of appearance. */
function snapshot(sqlite: Database) {
  const names = new Map<string, string>();
  const name = (v: unknown) => {
    if (typeof v !== "string" || !v.startsWith("s_")) return v;
    if (!names.has(v)) names.set(v, `session-${names.size + 1}`);
    return names.get(v);
  };
  const rows = (sql: string) => sqlite.query(sql).all().map((r) => Object.fromEntries(Object.entries(r as object).map(([k, v]) => [k, name(v)])));
  return {
    events: rows(`${WIDE_EVENTS_SQL} ORDER BY e.row_id`),
    sessions: rows(WIDE_SESSIONS_SQL).sort((a, b) => String(a.id).localeCompare(String(b.id))),
    contacts: rows("SELECT * FROM contacts ORDER BY id"),
    contactVisitors: rows(`${WIDE_CONTACT_VISITORS_SQL} ORDER BY funnel_id, anonymous_id`),
    funnel: rows("SELECT bots_dropped, first_event_at FROM funnels"),
  };
}

test("one batch per transaction and one transaction for all give the same rows", async () => {
  const one = snapshot((await processed(1)).sqlite);
  const all = snapshot((await processed(500)).sqlite);
  // The data covers what it claims to.
  expect(one.events.length).toBeGreaterThan(20);
  expect(one.events.filter((e) => e.id === "e-0002")).toHaveLength(1);
  expect(one.events.some((e) => String(e.flags).includes("superseded"))).toBe(true);
  expect(one.events.some((e) => String(e.anonymous_id).startsWith("h_"))).toBe(true);
  expect(one.events.filter((e) => e.type === "refund")).toHaveLength(1);
  expect(one.sessions.filter((s) => s.anonymous_id === "v1")).toHaveLength(2);
  expect(one.contacts).toHaveLength(3);
  expect(one.funnel[0].bots_dropped).toBe(1);
  expect(one.events.filter((e) => e.anonymous_id === "v2").every((e) => e.contact_id !== null)).toBe(true);
  expect(all).toEqual(one);
});

test("a run processed again (after a crash, a retry) changes nothing", async () => {
  const once = snapshot((await processed(500)).sqlite);
  const twice = snapshot((await processed(500, 2)).sqlite);
  // Dropped bots are a counter: counted again, as ever (nothing of theirs is stored).
  expect(twice.funnel[0].bots_dropped).toBe(2);
  expect({ ...twice, funnel: null }).toEqual({ ...once, funnel: null });
  expect(twice.funnel[0].first_event_at).toBe(once.funnel[0].first_event_at);
});

test("runs bounded by payload bytes take batches until the bound, and give the same rows", async () => {
  const whole = snapshot((await processed(500)).sqlite);
  const runs: number[] = [];
  // 400 characters: a batch or a few per run, each run ending with the batch that reached the bound.
  const bounded = snapshot((await processed(500, 1, 400, runs)).sqlite);
  expect(runs.length).toBeGreaterThan(3);
  expect(runs.reduce((a, b) => a + b, 0)).toBe(batches().length);
  expect(Math.max(...runs)).toBeLessThan(batches().length);
  expect(bounded).toEqual(whole);
});
