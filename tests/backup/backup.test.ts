// aurea backup / restore through the real CLI while a real server ingests.
import { afterAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DESKTOP_CHROME, eventId, startTestServer, tempDir } from "../helpers/server";
import { runCli, spawnServe, type Spawned } from "../helpers/process";

setDefaultTimeout(120_000);

const dirs: string[] = [];
const fresh = () => {
  const d = tempDir("aurea-backup-test-");
  dirs.push(d);
  return d;
};
const children: Spawned[] = [];
afterAll(async () => {
  for (const c of children) {
    c.proc.kill("SIGTERM");
    await c.proc.exited;
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function funnelIn(dataDir: string) {
  const created = await runCli(["funnel", "create", "--name", "Backup", "--url", "https://shop.example", "--data", dataDir, "--json"]);
  expect(created.code).toBe(0);
  return JSON.parse(created.stdout) as { id: string; publicKey: string; secretKey: string };
}

/** Senders that keep posting batches; `acked` grows with every 202. */
function load(url: string, f: { id: string; publicKey: string }) {
  const acked: string[] = [];
  let stop = false;
  const sender = async () => {
    while (!stop) {
      const batch = Array.from({ length: 10 }, () => ({ id: eventId(), type: "page_view", anonymousId: "b", url: "https://shop.example/" }));
      try {
        const r = await fetch(`${url}/api/track/events`, {
          method: "POST",
          headers: { "content-type": "text/plain", origin: "https://shop.example", "user-agent": DESKTOP_CHROME },
          body: JSON.stringify({ funnelId: f.id, key: f.publicKey, events: batch }),
        });
        if (r.status === 202) acked.push(...batch.map((e) => e.id));
      } catch {
        return;
      }
    }
  };
  const senders = Array.from({ length: 4 }, sender);
  return {
    acked,
    async stop() {
      stop = true;
      await Promise.all(senders);
    },
  };
}

describe("backup and restore while serving", () => {
  let dataDir: string;
  let server: Spawned;
  let f: { id: string; publicKey: string; secretKey: string };
  let backupDir: string;
  let ackedBefore: string[];

  test("a backup taken under load holds every event acknowledged before it began", async () => {
    dataDir = fresh();
    f = await funnelIn(dataDir);
    server = await spawnServe(dataDir);
    children.push(server);
    const traffic = load(server.url, f);
    while (traffic.acked.length < 2000) await Bun.sleep(20);
    ackedBefore = [...traffic.acked];
    backupDir = join(fresh(), "b1");
    const r = await runCli(["backup", backupDir, "--data", dataDir, "--json"]);
    const ackedDuring = traffic.acked.length - ackedBefore.length;
    await traffic.stop();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(["bytes", "dir", "events", "files", "integrity"]);
    expect(out).toMatchObject({ dir: backupDir, files: ["queue.db", "aurea.db"], integrity: "ok" });
    expect(out.bytes).toBeGreaterThan(0);
    expect(typeof out.events).toBe("number");
    const manifest = JSON.parse(readFileSync(join(backupDir, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ format: 1, version: expect.any(String), integrity: "ok", events: out.events });
    expect(manifest.files.map((x: { name: string }) => x.name)).toEqual(["queue.db", "aurea.db"]);
    expect(readdirSync(backupDir).sort()).toEqual(["aurea.db", "manifest.json", "queue.db"]);
    // The server kept answering while the backup ran.
    expect(ackedDuring).toBeGreaterThanOrEqual(0);
  });

  test("restore refuses the data directory of a running server and changes nothing", async () => {
    const before = readdirSync(dataDir).sort();
    const r = await runCli(["restore", backupDir, "--data", dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`a server (pid ${server.proc.pid}) is serving`);
    expect(readdirSync(dataDir).sort()).toEqual(before);
    // and the server still serves
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  test("restore refuses databases that another process has open, even without a server", async () => {
    const target = fresh();
    expect((await runCli(["restore", backupDir, "--data", target])).code).toBe(0);
    // Any process with a connection open (a CLI command, a script, an older server).
    const holder = Bun.spawn(
      ["bun", "-e", `const { Database } = require("bun:sqlite"); const db = new Database(${JSON.stringify(join(target, "aurea.db"))}); db.exec("PRAGMA journal_mode = WAL"); db.query("SELECT count(*) FROM funnels").get(); console.log("open"); setInterval(() => db.query("SELECT 1").get(), 100);`],
      { stdout: "pipe" },
    );
    try {
      const reader = holder.stdout.getReader();
      await reader.read(); // "open"
      const before = readdirSync(target).sort();
      const r = await runCli(["restore", backupDir, "--data", target]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("is open in another process");
      expect(readdirSync(target).sort()).toEqual(before);
    } finally {
      holder.kill();
      await holder.exited;
    }
  });

  test("restored into a fresh directory, a server shows every acknowledged event", async () => {
    const restored = fresh();
    const r = await runCli(["restore", backupDir, "--data", restored]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const after = await spawnServe(restored);
    children.push(after);
    const deadline = Date.now() + 60_000;
    let seen = new Set<string>();
    while (Date.now() < deadline) {
      seen = await allEventIds(after.url, f);
      if (ackedBefore.every((id) => seen.has(id))) break;
      await Bun.sleep(200);
    }
    expect(ackedBefore.filter((id) => !seen.has(id))).toEqual([]);
  });

  test("a damaged backup is refused before anything is replaced", async () => {
    const copy = join(fresh(), "damaged");
    expect((await runCli(["backup", copy, "--data", dataDir])).code).toBe(0);
    const db = join(copy, "aurea.db");
    const bytes = readFileSync(db);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(db, bytes);
    const target = fresh();
    const r = await runCli(["restore", copy, "--data", target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("checksum");
    expect(readdirSync(target)).toEqual([]);
  });

  test("backup refuses the data directory itself and a directory that is not empty", async () => {
    const r = await runCli(["backup", dataDir, "--data", dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("must not be the data directory");
    const again = await runCli(["backup", backupDir, "--data", dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("is not empty");
    expect(JSON.parse(readFileSync(join(backupDir, "manifest.json"), "utf8")).integrity).toBe("ok");
  });
});

/** Every event id of the funnel, through the read API's cursor. */
async function allEventIds(url: string, f: { id: string; secretKey: string }): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&before=${encodeURIComponent(cursor)}` : "";
    const res = await fetch(`${url}/api/v1/funnels/${f.id}/events?limit=1000${q}`, { headers: { authorization: `Bearer ${f.secretKey}` } });
    const body = (await res.json()) as { events: { id: string }[]; next: string | null };
    for (const e of body.events) ids.add(e.id);
    cursor = body.next;
  } while (cursor);
  return ids;
}

describe("scheduled backups", () => {
  test("serve --backup-dir makes backups on the interval and keeps the newest N", async () => {
    const dataDir = fresh();
    const dir = fresh();
    await funnelIn(dataDir);
    const s = await spawnServe(dataDir, ["--backup-dir", dir, "--backup-every", "1s", "--backup-keep", "2"]);
    children.push(s);
    const seen = new Set<string>();
    const deadline = Date.now() + 60_000;
    // Wait until at least four backups were made and the older ones pruned.
    while (Date.now() < deadline) {
      for (const n of readdirSync(dir)) seen.add(n);
      if (seen.size >= 4 && readdirSync(dir).filter((n) => existsSync(join(dir, n, "manifest.json"))).length === 2) break;
      await Bun.sleep(100);
    }
    expect(seen.size).toBeGreaterThanOrEqual(4);
    const complete = readdirSync(dir).filter((n) => existsSync(join(dir, n, "manifest.json")));
    expect(complete).toHaveLength(2);
    for (const n of complete) expect(n).toMatch(/^aurea-\d{8}T\d{6}Z$/);
    expect(s.output()).toContain("backup: ");
  });
});

describe("migrations", () => {
  test("a pending migration on a database with data is preceded by a backup", async () => {
    const { Database } = await import("bun:sqlite");
    const { applyMigrations } = await import("../../src/db/migrate");
    const { migrations } = await import("../../src/db/migrations.gen");
    const { openStore } = await import("../../src/db/open");
    const dataDir = fresh();
    const old = new Database(join(dataDir, "aurea.db"), { create: true });
    applyMigrations(old, migrations.slice(0, -1));
    old.exec("INSERT INTO users (email, password_hash, role, created_at) VALUES ('a@example.com', 'x', 'owner', 0)");
    old.close();
    const store = openStore(dataDir);
    store.close();
    const made = readdirSync(join(dataDir, "backups"));
    expect(made).toHaveLength(1);
    expect(made[0]).toEndWith(`-before-${migrations.at(-1)!.tag}`);
    const manifest = JSON.parse(readFileSync(join(dataDir, "backups", made[0], "manifest.json"), "utf8"));
    expect(manifest.schema).toBe(migrations.at(-2)!.when);
    // Nothing pending next time, and an empty new database gets no backup.
    openStore(dataDir).close();
    expect(readdirSync(join(dataDir, "backups"))).toHaveLength(1);
    const empty = fresh();
    openStore(empty).close();
    expect(existsSync(join(empty, "backups"))).toBe(false);
  });
});
