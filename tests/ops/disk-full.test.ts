// A real full disk: `aurea serve` on a small tmpfs, filled while events arrive. Ingest
// answers 503 storage_full with Retry-After, /healthz fails, the read API keeps
// answering; once space is freed everything acknowledged is processed, nothing is lost,
// and SIGTERM ends the process in bounded time. Mounting needs root (as in CI); where
// it is not allowed, the test is skipped and says why.
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, spawnServe } from "../helpers/process";
import { eventId } from "../helpers/server";
import { WIDE_EVENTS_SQL } from "../../src/store/sqlite/layout";

const SIZE_MB = 48;
const mountPoint = mkdtempSync(join(tmpdir(), "aurea-tmpfs-"));
const mounted = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", `size=${SIZE_MB}m`, "tmpfs", mountPoint]);
const skipReason = mounted.exitCode === 0 ? null : `cannot mount a tmpfs here (${mounted.stderr.toString().trim() || `exit ${mounted.exitCode}`}); run as root to test a real full disk`;
if (skipReason) console.warn(`tests/ops/disk-full.test.ts skipped: ${skipReason}`);

afterAll(() => {
  if (!skipReason) Bun.spawnSync(["umount", "-l", mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Fills the filesystem to the last byte; returns the filler's path. */
function fillDisk(dir: string): string {
  const path = join(dir, "filler");
  writeFileSync(path, "");
  for (const size of [1024 * 1024, 64 * 1024, 4096, 512]) {
    const chunk = Buffer.alloc(size, 1);
    for (;;) {
      try {
        appendFileSync(path, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOSPC") break;
        throw e;
      }
    }
  }
  return path;
}

async function until<T>(what: string, fn: () => Promise<T | null> | T | null, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await Bun.sleep(100);
  }
}

test.skipIf(skipReason !== null)(`a full disk (tmpfs of ${SIZE_MB} MB): 503 storage_full, read API up, everything acked processed once space returns`, async () => {
  const dataDir = join(mountPoint, "data");
  const created = await runCli(["funnel", "create", "--name", "Full", "--url", "https://shop.example", "--data", dataDir, "--json"]);
  expect(created.code).toBe(0);
  const f = JSON.parse(created.stdout);
  const child = await spawnServe(dataDir, ["--min-free-disk", "2MB"]);
  const acked: string[] = [];
  const refusals: { status: number; code: string; retryAfter: string | null }[] = [];
  let sending = true;
  const sender = async (n: number) => {
    for (let i = 0; sending; i++) {
      const events = Array.from({ length: 10 }, () => ({ id: eventId(), type: "track", name: "load", anonymousId: `a${n}-${i % 50}`, props: { pad: "p".repeat(800) } }));
      try {
        const res = await fetch(`${child.url}/api/track/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${f.secretKey}`, "content-type": "application/json" },
          body: JSON.stringify({ funnelId: f.id, events }),
        });
        const body = (await res.json()) as { error?: { code: string } };
        if (res.status === 202) acked.push(...events.map((e) => e.id));
        else {
          refusals.push({ status: res.status, code: body.error?.code ?? "", retryAfter: res.headers.get("retry-after") });
          await Bun.sleep(50);
        }
      } catch {
        await Bun.sleep(50);
      }
    }
  };
  const t0 = Date.now();
  const phase = (what: string) => process.env.AUREA_TEST_TRACE && console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what} (acked ${acked.length})`);
  const health = async () => {
    const res = await fetch(`${child.url}/healthz`);
    return { status: res.status, body: (await res.json()) as any };
  };
  const senders = [1, 2, 3].map(sender);
  let filler = "";
  try {
    await until("some events are acknowledged", () => acked.length >= 500, 20_000);
    filler = fillDisk(mountPoint);
    phase("disk filled");

    // Full: batches are refused with 503 storage_full and Retry-After, health fails.
    await until("a batch is refused as storage_full", () => refusals.some((r) => r.code === "storage_full"), 20_000);
    const refusal = refusals.find((r) => r.code === "storage_full")!;
    expect(refusal.status).toBe(503);
    expect(Number(refusal.retryAfter)).toBeGreaterThan(0);
    expect(refusals.filter((r) => r.status === 500)).toEqual([]);
    const failing = await until("health fails", async () => ((await health()).status === 503 ? health() : null), 20_000);
    expect(failing.body.status).toBe("failing");
    expect(failing.body.database).toBe("ok");
    // The read API still answers on a full disk.
    const read = await fetch(`${child.url}/api/v1/funnels/${f.id}/events?limit=10`, { headers: { authorization: `Bearer ${f.secretKey}` } });
    expect(read.status).toBe(200);
    const stats = await fetch(`${child.url}/api/v1/funnels/${f.id}/stats`, { headers: { authorization: `Bearer ${f.secretKey}` } });
    expect(stats.status).toBe(200);

    // Space returns: new batches are accepted again and everything queued is processed.
    // Stay full a while under load: processing and checkpoints retry, nothing breaks.
    await Bun.sleep(2000);
    expect((await health()).status).toBe(503);
    if (process.env.AUREA_TEST_TRACE) console.log(JSON.stringify((await health()).body.checks));
    phase("full: refused and health failing");
    rmSync(filler);
    filler = "";
    const ackedBeforeFree = acked.length;
    await until("batches are acknowledged again", () => acked.length > ackedBeforeFree + 100, 30_000);
    phase("acknowledging again");
    sending = false;
    await Promise.all(senders);
    await until(
      "the queue is drained and health is no longer failing",
      async () => {
        const h = await health();
        return h.body.queue.pending === 0 && h.body.queue.inMemory === 0 && h.body.status !== "failing" ? h : null;
      },
      90_000,
    );
    expect((await health()).body.queue.parked).toBe(0);

    phase("drained");
    const started = Date.now();
    child.proc.kill("SIGTERM");
    expect(await child.proc.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  } finally {
    sending = false;
    if (filler) rmSync(filler, { force: true });
    child.proc.kill(9);
  }

  const db = new Database(join(dataDir, "aurea.db"), { readonly: true });
  try {
    const stored = new Set((db.query(`${WIDE_EVENTS_SQL} WHERE fk.funnel_id = ?`).all(f.id) as { id: string }[]).map((r) => r.id));
    const lost = acked.filter((id) => !stored.has(id));
    expect(acked.length).toBeGreaterThan(600);
    expect(lost).toEqual([]);
  } finally {
    db.close();
  }
  expect(child.output()).toContain("the disk is full");
}, 180_000);
