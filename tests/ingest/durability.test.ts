// Nothing acknowledged is lost: across a restart, and across kill -9 under load.
import { expect, test } from "bun:test";
import { createTestFunnel, DESKTOP_CHROME, eventId, startTestServer, tempDir, waitForEvents } from "../helpers/server";
import { runCli, spawnServe } from "../helpers/process";
import { WIDE_EVENTS_SQL } from "../../src/store/sqlite/layout";
import { countEvents } from "../helpers/layout-rows";

test("a restart keeps everything", async () => {
  const dataDir = tempDir();
  const first = await startTestServer({ dataDir });
  const f = createTestFunnel(first);
  const ids = Array.from({ length: 20 }, eventId);
  const res = await fetch(`${first.url}/api/track/events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ funnelId: f.id, key: f.secretKey, events: ids.map((id) => ({ id, type: "page_view", anonymousId: "r", url: "https://shop.example/" })) }),
  });
  expect(res.status).toBe(202);
  await first.stop();
  const second = await startTestServer({ dataDir });
  try {
    const events = await waitForEvents(second, f.id, f.secretKey, (es) => es.length === 20);
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(ids));
  } finally {
    await second.stop();
  }
});

test("kill -9 in the middle of a load loses no acknowledged event", async () => {
  const dataDir = tempDir();
  const created = await runCli(["funnel", "create", "--name", "Load", "--url", "https://shop.example", "--data", dataDir, "--json"]);
  expect(created.code).toBe(0);
  const f = JSON.parse(created.stdout);
  const child = await spawnServe(dataDir);
  const acked: string[] = [];
  let stop = false;
  const sender = async () => {
    while (!stop) {
      const batch = Array.from({ length: 10 }, () => ({ id: eventId(), type: "page_view", anonymousId: "k", url: "https://shop.example/" }));
      try {
        const r = await fetch(`${child.url}/api/track/events`, {
          method: "POST",
          headers: { "content-type": "text/plain", origin: "https://shop.example", "user-agent": DESKTOP_CHROME },
          body: JSON.stringify({ funnelId: f.id, key: f.publicKey, events: batch }),
        });
        if (r.status === 202) acked.push(...batch.map((e) => e.id));
      } catch {
        return; // the server is gone
      }
    }
  };
  const senders = Array.from({ length: 8 }, sender);
  while (acked.length < 3000) await Bun.sleep(20);
  child.proc.kill(9);
  stop = true;
  await Promise.all(senders);
  await child.proc.exited;

  const after = await startTestServer({ dataDir, keepData: true });
  try {
    after.running.worker!.drain();
    const stored = new Set(
      (after.ctx.store.sqlite.query(`${WIDE_EVENTS_SQL} WHERE fk.funnel_id = ?`).all(f.id) as { id: string }[]).map((r) => r.id),
    );
    const lost = acked.filter((id) => !stored.has(id));
    expect(acked.length).toBeGreaterThanOrEqual(3000);
    expect(lost).toEqual([]);
  } finally {
    await after.stop();
  }
});

test("SIGTERM finishes the work in hand and exits 0", async () => {
  const dataDir = tempDir();
  const created = JSON.parse((await runCli(["funnel", "create", "--name", "T", "--url", "https://shop.example", "--data", dataDir, "--json"])).stdout);
  const child = await spawnServe(dataDir);
  const ids = Array.from({ length: 50 }, eventId);
  const r = await fetch(`${child.url}/api/track/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${created.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify({ funnelId: created.id, events: ids.map((id) => ({ id, type: "track", name: "x", anonymousId: "t" })) }),
  });
  expect(r.status).toBe(202);
  child.proc.kill("SIGTERM");
  expect(await child.proc.exited).toBe(0);
  expect(child.output()).toContain("stopped cleanly");
  const after = await startTestServer({ dataDir, keepData: true });
  try {
    const n = { n: countEvents(after.ctx.store.sqlite, created.id) };
    expect(n.n).toBe(50);
  } finally {
    await after.stop();
  }
});

test("processed batches leave the queue once their events are durable, also when traffic stops", async () => {
  const server = await startTestServer();
  try {
    const f = createTestFunnel(server);
    // Two runs in quick succession: the second is committed without a sync of its own.
    for (let n = 1; n <= 2; n++) {
      const res = await fetch(`${server.url}/api/track/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${f.secretKey}` },
        body: JSON.stringify({ funnelId: f.id, events: [{ id: eventId(), type: "page_view", anonymousId: "q", url: "https://shop.example/" }] }),
      });
      expect(res.status).toBe(202);
      await waitForEvents(server, f.id, f.secretKey, (es) => es.length === n);
    }
    let health: any;
    for (let i = 0; i < 150; i++) {
      health = await (await fetch(`${server.url}/healthz`)).json();
      if (health.queue.pending === 0) break;
      await Bun.sleep(20);
    }
    expect(health.queue.pending).toBe(0);
  } finally {
    await server.stop();
  }
});
