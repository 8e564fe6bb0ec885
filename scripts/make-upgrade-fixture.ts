// Writes the upgrade-test fixture: a small data directory made by this checkout's code,
// so tests/storage/upgrade.test.ts can check that a newer Aurea upgrades it without
// changing a number. Run it only to make a fixture of the schema of the day:
//
//   bun scripts/make-upgrade-fixture.ts tests/fixtures/upgrade-<name>
//
// (tests/fixtures/upgrade-before-storage was made from `git archive c4c2f07` with this
// script and tests/storage/upgrade-reads.ts copied in, FIXTURE_COMMIT=c4c2f07…;
// tests/fixtures/upgrade-before-compact the same way from f9d04d5, the last commit
// before the compact layout, with the no-visit payment and the refund below.)
//
// Two funnels of demo traffic (fixed seeds), steps, a visitor who identifies through
// the real ingest path, a verified payment joined to their visit, the dashboard
// rollups and the funnel report's journey copy; then a checkpoint, so the directory
// holds only aurea.db and queue.db. fixture.json keeps the read API's answers on it
// (tests/storage/upgrade-reads.ts), as this release gave them.
import { Database } from "bun:sqlite";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO_ORIGIN } from "../src/demo/generate";
import { seedDemo } from "../src/store/sqlite/demo-seed";
import { demoSteps } from "../src/demo/steps";
import { saveSteps } from "../src/funnels/steps-definition";
import { createFunnel, updateFunnel } from "../src/funnels/store";
import { GroupCommitter } from "../src/ingest/group-commit";
import { recordPayments } from "../src/payments/record";
import { encodeReference } from "../src/payments/reference";
import { startServer } from "../src/server";
import { VERSION } from "../src/cli/version";
import { readAnswers } from "../tests/storage/upgrade-reads";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: bun scripts/make-upgrade-fixture.ts DIR");
  process.exit(2);
}
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const DAY = 86_400_000;
// Whole days before a fixed midnight, so the fixture's ranges are the same on every run.
const NOW = Date.UTC(2026, 10, 20, 12);
const UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

const server = await startServer(
  { port: 0, host: "127.0.0.1", dataDir: dir, geoipPath: null, trustProxy: false, allowPrivateWebhooks: false, rateLimitPerMinute: 6000, queueHighWater: 20000, processingThread: false, readerThreads: 1, queryTimeoutMs: 60_000 },
  { log: () => {}, now: () => NOW },
);
const { db, sqlite } = server.ctx.store;

const shop = createFunnel(db, { name: "Fixture shop", url: DEMO_ORIGIN });
const blog = createFunnel(db, { name: "Fixture blog", url: "https://blog.example" });
seedDemo(sqlite, shop.funnel.id, { events: 2500, days: 5, now: NOW - 2 * DAY, seed: 17 });
seedDemo(sqlite, blog.funnel.id, { events: 800, days: 3, now: NOW - 2 * DAY, seed: 71 });
saveSteps(db, shop.funnel.id, demoSteps());
updateFunnel(db, blog.funnel.id, { retentionDays: 400 });

// One buyer through the real ingest path and worker: page views, identify, a verified order.
const anonymousId = "11111111-2222-4333-8444-555555555555";
const sessionId = "66666666-7777-4888-8999-aaaaaaaaaaaa";
const ts = NOW - DAY - 3_600_000;
const events = [
  { id: "e0000000-0000-4000-8000-000000000001", type: "page_view", url: `${DEMO_ORIGIN}/pricing?utm_source=newsletter&utm_medium=email`, ts },
  { id: "e0000000-0000-4000-8000-000000000002", type: "page_view", url: `${DEMO_ORIGIN}/checkout`, ts: ts + 60_000 },
  { id: "e0000000-0000-4000-8000-000000000003", type: "identify", userId: "user-42", traits: { email: "buyer@fixture.example", name: "Fixture Buyer" }, url: `${DEMO_ORIGIN}/checkout`, ts: ts + 90_000 },
  { id: "e0000000-0000-4000-8000-000000000004", type: "track", name: "checkout_initiated", props: { plan: "pro" }, url: `${DEMO_ORIGIN}/checkout`, ts: ts + 120_000 },
];
const res = await fetch(`${server.url}/api/track/events`, {
  method: "POST",
  headers: { "content-type": "application/json", "user-agent": UA, origin: DEMO_ORIGIN },
  body: JSON.stringify({ funnelId: shop.funnel.id, key: shop.publicKey, events: events.map((e) => ({ anonymousId, sessionId, ...e })) }),
});
if (res.status !== 202) throw new Error(`track: ${res.status} ${await res.text()}`);
server.worker!.drain();
const committer = new GroupCommitter(server.ctx.store.queue);
await recordPayments({ committer, now: () => NOW }, shop.funnel.id, [
  {
    kind: "order", provider: "stripe", providerEventId: "evt_fixture_1", orderId: "pi_fixture_1", amountMinor: 4900, currency: "USD",
    ts: ts + 180_000, email: "buyer@fixture.example", reference: encodeReference({ anonymousId, sessionId }), test: false,
  },
]);
server.worker!.drain();
// A payment that finds no visit (no reference, an unknown email), and a partial refund of the order.
await recordPayments({ committer, now: () => NOW }, shop.funnel.id, [
  {
    kind: "order", provider: "stripe", providerEventId: "evt_fixture_2", orderId: "pi_fixture_2", amountMinor: 1900, currency: "EUR",
    ts: ts + 240_000, email: "stranger@fixture.example", reference: null, test: false,
  },
  {
    kind: "refund", provider: "stripe", providerEventId: "evt_fixture_3", orderId: "pi_fixture_1", refundId: "re_fixture_1", amountMinor: 900,
    cumulative: true, currency: "USD", ts: ts + 300_000, email: "buyer@fixture.example", reference: encodeReference({ anonymousId, sessionId }), test: false,
  },
]);
server.worker!.drain();

// The funnel report builds its journey copy of past days on first read.
const report = await fetch(`${server.url}/api/v1/funnels/${shop.funnel.id}/report?from=${new Date(NOW - 10 * DAY).toISOString()}&to=${new Date(NOW).toISOString()}`, {
  headers: { authorization: `Bearer ${shop.secretKey}` },
});
if (report.status !== 200) throw new Error(`report: ${report.status} ${await report.text()}`);
const funnels = [{ id: shop.funnel.id, secretKey: shop.secretKey }, { id: blog.funnel.id, secretKey: blog.secretKey }];
const answers = await readAnswers(server.url, NOW, funnels);
await server.stop();

for (const file of ["aurea.db", "queue.db"]) {
  const s = new Database(join(dir, file));
  s.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  s.exec("VACUUM");
  s.close();
}
for (const extra of ["backups", "funnels.changed"]) rmSync(join(dir, extra), { recursive: true, force: true });
// FIXTURE_COMMIT: when run from an exported tree (git archive) of the release that writes it.
const commit = process.env.FIXTURE_COMMIT ?? Bun.spawnSync(["git", "rev-parse", "HEAD"]).stdout.toString().trim();
writeFileSync(
  join(dir, "fixture.json"),
  JSON.stringify({ madeBy: "scripts/make-upgrade-fixture.ts", commit, version: VERSION, now: NOW, funnels, answers }, null, 1) + "\n",
);
console.log(`fixture in ${dir} from ${commit}`);
