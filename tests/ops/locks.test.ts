// A serving process must keep its SQLite locks for as long as it runs. POSIX locks
// belong to the whole process: any code that opens and closes a database file outside
// SQLite (a header check in a thread that opens beside the main connections) drops
// them, and another process could then take the database as unused. Checked from a
// second process, since a lock never conflicts with its own process.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestServer } from "../helpers/server";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ processingThread: true });
});

afterAll(async () => {
  await server?.stop();
});

async function inUseFromAnotherProcess(path: string): Promise<string> {
  const script = `import { databaseInUse } from ${JSON.stringify(join(import.meta.dir, "../../src/backup/in-use.ts"))};
console.log(databaseInUse(${JSON.stringify(path)}) ? "in use" : "free");`;
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  await child.exited;
  if (child.exitCode !== 0) throw new Error(err);
  return out.trim();
}

test("both databases stay locked while the processing thread has opened its own connections", async () => {
  const funnel = createTestFunnel(server);
  const id = eventId();
  const sent = await sendEvents(server, { funnelId: funnel.id, key: funnel.secretKey, events: [{ id, type: "page_view", url: "https://shop.example/" }] });
  expect(sent.status).toBe(202);
  // The processing thread has opened its store once the event is written.
  await waitForEvents(server, funnel.id, funnel.secretKey, (events) => events.length === 1, 60_000);
  expect(await inUseFromAnotherProcess(join(server.dataDir, "aurea.db"))).toBe("in use");
  expect(await inUseFromAnotherProcess(join(server.dataDir, "queue.db"))).toBe("in use");
});
