// The CLI as a user types it: funnels, help, version, and clear failures.
import { expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DESKTOP_CHROME, tempDir } from "../helpers/server";
import { runCli, spawnServe } from "../helpers/process";

test("funnel create --json prints exactly one object with both keys", async () => {
  const data = tempDir();
  const r = await runCli(["funnel", "create", "--name", "Launch", "--url", "https://launch.example/page", "--data", data, "--json"]);
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  const f = JSON.parse(lines[0]);
  expect(Object.keys(f).sort()).toEqual(["id", "name", "origins", "publicKey", "secretKey", "url"]);
  expect(f.publicKey).toMatch(/^pk_/);
  expect(f.secretKey).toMatch(/^sk_/);
  expect(f.origins).toEqual(["https://launch.example"]);
  const list = await runCli(["funnel", "list", "--json"], { env: { AUREA_DATA_DIR: data } });
  const listed = JSON.parse(list.stdout);
  expect(listed[0].id).toBe(f.id);
  expect(JSON.stringify(listed)).not.toContain(f.secretKey);
  expect(listed[0].secretKeyPrefix).toBe(`${f.secretKey.slice(0, 11)}…`);
});

test("the secret key is stored hashed; the public key (in page source anyway) in clear, listed in full", async () => {
  const data = tempDir();
  const f = JSON.parse((await runCli(["funnel", "create", "--name", "H", "--url", "https://h.example", "--data", data, "--json"])).stdout);
  const bytes = await Bun.file(join(data, "aurea.db")).text();
  expect(bytes).not.toContain(f.secretKey);
  expect(bytes).toContain(f.publicKey);
  const list = await runCli(["funnel", "list"], { env: { AUREA_DATA_DIR: data } });
  expect(list.stdout).toContain(`public key ${f.publicKey}`);
  expect(list.stdout).not.toContain(f.secretKey);
  expect(JSON.parse((await runCli(["funnel", "list", "--json", "--data", data])).stdout)[0].publicKey).toBe(f.publicKey);
});

test("a funnel made before public keys were kept: list says so; rotate-public-key gives a new one, the secret key unchanged", async () => {
  const data = tempDir();
  const f = JSON.parse((await runCli(["funnel", "create", "--name", "Old", "--url", "https://old.example", "--data", data, "--json"])).stdout);
  const { Database } = await import("bun:sqlite");
  const sqlite = new Database(join(data, "aurea.db"));
  sqlite.run("UPDATE funnels SET public_key = NULL");
  sqlite.close();
  const list = await runCli(["funnel", "list", "--data", data]);
  expect(list.stdout).toContain(`${f.publicKey.slice(0, 11)}… (only the start is known: aurea funnel rotate-public-key ${f.id})`);
  const r = await runCli(["funnel", "rotate-public-key", f.id, "--data", data, "--json"]);
  expect(r.code).toBe(0);
  const { publicKey } = JSON.parse(r.stdout);
  expect(publicKey).toMatch(/^pk_/);
  expect(publicKey).not.toBe(f.publicKey);
  const listed = JSON.parse((await runCli(["funnel", "list", "--json", "--data", data])).stdout)[0];
  expect(listed.publicKey).toBe(publicKey);
  expect(listed.secretKeyPrefix).toBe(`${f.secretKey.slice(0, 11)}…`);
});

test("--origin may repeat; rotate-keys works while the server runs and the old keys stop working", async () => {
  const data = tempDir();
  const f = JSON.parse(
    (await runCli(["funnel", "create", "--name", "O", "--url", "https://o.example", "--origin", "https://o.example", "--origin", "https://www.o.example", "--data", data, "--json"])).stdout,
  );
  expect(f.origins).toEqual(["https://o.example", "https://www.o.example"]);
  const server = await spawnServe(data);
  try {
    const send = (key: string) =>
      fetch(`${server.url}/api/track/events`, {
        method: "POST",
        headers: { origin: "https://www.o.example", "user-agent": DESKTOP_CHROME },
        body: JSON.stringify({ funnelId: f.id, key, events: [{ id: crypto.randomUUID(), type: "page_view" }] }),
      });
    expect((await send(f.publicKey)).status).toBe(202);
    const rotated = await runCli(["funnel", "rotate-keys", f.id, "--data", data, "--json"]);
    expect(rotated.code).toBe(0);
    const keys = JSON.parse(rotated.stdout);
    expect((await send(f.publicKey)).status).toBe(401);
    expect((await send(keys.publicKey)).status).toBe(202);
  } finally {
    server.proc.kill("SIGTERM");
    await server.proc.exited;
  }
});

test.each([
  [["serve", "--port", "99999"], /--port: 99999/],
  [["serve", "--bogus"], /unknown flag --bogus/],
  [["serve", "--geoip", "/nonexistent/file.mmdb"], /--geoip: cannot read/],
  [["funnel", "create", "--name", "x", "--url", "ftp://x"], /must start with http/],
  [["funnel", "create", "--url", "https://x.example"], /--name is required/],
  [["funnel", "rotate-keys", "fn_nope"], /no funnel with id fn_nope/],
  [["funnel", "rotate-public-key", "fn_nope"], /no funnel with id fn_nope/],
  [["frobnicate"], /unknown command "frobnicate"/],
])("aurea %p fails with one clear line", async (args, message) => {
  const data = join(tempDir(), "fresh");
  const r = await runCli([...args, "--data", data]);
  expect(r.code).not.toBe(0);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  if (args[0] === "serve") expect(existsSync(data)).toBe(false);
});

test("serve refuses a data path that is a file, creating nothing", async () => {
  const file = join(tempDir(), "not-a-dir");
  writeFileSync(file, "x");
  const r = await runCli(["serve", "--data", file]);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain("is not a directory");
});

test("help and version", async () => {
  const help = await runCli(["help"]);
  expect(help.code).toBe(0);
  for (const word of ["serve", "funnel", "version"]) expect(help.stdout).toContain(word);
  const serveHelp = await runCli(["help", "serve"]);
  expect(serveHelp.stdout).toContain("AUREA_TRUST_PROXY");
  const version = await runCli(["version"]);
  expect(version.stdout).toMatch(/^aurea \d+\.\d+\.\d+/);
});
