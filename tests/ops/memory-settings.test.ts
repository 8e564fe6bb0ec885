// What keeps the server's memory bounded, as settings a server actually runs with:
// no memory-mapped database pages, small page caches on the HTTP thread's connections
// when reads and processing have connections of their own, and a mapped GeoIP copy.
import { afterEach, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { GEO_COPY_DIR } from "../../src/enrich/geo-copy";
import { DATABASE_FILE, openReaderConnection, READER_CACHE_KIB } from "../../src/db/open";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

const pragma = (s: TestServer, name: string) => (s.ctx.store.sqlite.query(`PRAGMA ${name}`).get() as Record<string, number>)[name];

test("with reader and processing threads: no mmap, a 2 MiB page cache on the HTTP thread, 8 MiB on the reader's, 512 KiB on the queue's, and locations still found", async () => {
  server = await startTestServer({ processingThread: true, readerThreads: 1 });
  expect(pragma(server, "mmap_size")).toBe(0);
  expect(pragma(server, "cache_size")).toBe(-2048);
  expect(server.ctx.store.queue.query("PRAGMA cache_size").get()).toEqual({ cache_size: -512 });
  // The threads map the server's copy of the GeoIP database, at their first lookup.
  expect(readdirSync(join(server.dataDir, GEO_COPY_DIR))).toHaveLength(1);
  expect(server.ctx.geo.lookup("8.8.8.8").country).toBe("US");
  const reader = openReaderConnection(join(server.dataDir, DATABASE_FILE), { autocheckpoint: false });
  try {
    expect(reader.query("PRAGMA mmap_size").get()).toEqual({ mmap_size: 0 });
    expect(reader.query("PRAGMA cache_size").get()).toEqual({ cache_size: -READER_CACHE_KIB });
  } finally {
    reader.close();
  }
});

test("processing on the HTTP thread: its connection writes the events and keeps the large cache", async () => {
  server = await startTestServer({ processingThread: false, readerThreads: 1 });
  expect(pragma(server, "mmap_size")).toBe(0);
  expect(pragma(server, "cache_size")).toBe(-65536);
});
