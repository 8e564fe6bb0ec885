// Funnel keys are served from memory until a change to keys, origins or the funnel
// itself touches the stamp, from this process or another one on the same data dir.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { STAMP_FILE, STAMP_SETTLE_MS } from "../../src/funnels/change-stamp";
import { deleteFunnel, rotateKeys, updateFunnel } from "../../src/funnels/store";
import { FunnelKeyCache } from "../../src/ingest/auth";
import { createTestFunnel, startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** Ages the stamp past the settle time, as if the last change were a while ago. */
function ageStamp(): void {
  const old = (Date.now() - 10 * STAMP_SETTLE_MS) / 1000;
  utimesSync(join(server.dataDir, STAMP_FILE), old, old);
}

test("a copy is kept while nothing changes, and dropped when keys, origins or the funnel change", () => {
  const f = createTestFunnel(server);
  const other = new Database(join(server.dataDir, "aurea.db"));
  const cache = new FunnelKeyCache(server.ctx.store.sqlite);
  rotateKeys(server.ctx.store.db, "none"); // writes the stamp
  ageStamp();
  const first = cache.get(f.id)!;
  expect(first.origins).toEqual(["https://shop.example"]);
  // A write that bypasses the stamp is not seen: the copy is served from memory.
  other.run("UPDATE funnels SET origins = '[\"https://sneaky.example\"]' WHERE id = ?", [f.id]);
  expect(cache.get(f.id)).toBe(first);

  updateFunnel(server.ctx.store.db, f.id, { origins: ["https://www.shop.example"] });
  expect(cache.get(f.id)!.origins).toEqual(["https://www.shop.example"]);
  const keys = rotateKeys(server.ctx.store.db, f.id)!;
  expect(cache.get(f.id)!.publicKeyHash).not.toBe(first.publicKeyHash);
  expect(keys.publicKey).toStartWith("pk_");
  deleteFunnel(server.ctx.store.db, f.id);
  expect(cache.get(f.id)).toBeNull();
  other.close();
});

test("right after a change the database is read every time (file times tick coarsely)", () => {
  const f = createTestFunnel(server);
  const cache = new FunnelKeyCache(server.ctx.store.sqlite);
  updateFunnel(server.ctx.store.db, f.id, { origins: ["https://a.example"] });
  expect(cache.get(f.id)!.origins).toEqual(["https://a.example"]);
  // A second change within the same tick of the file clock still shows.
  server.ctx.store.sqlite.run("UPDATE funnels SET origins = '[\"https://b.example\"]' WHERE id = ?", [f.id]);
  expect(cache.get(f.id)!.origins).toEqual(["https://b.example"]);
});
