// `aurea user …` as a real process, password on stdin.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openStore } from "../../src/db/open";
import { verifyCredentials } from "../../src/web/auth/users";
import { tempDir } from "../helpers/server";

const dataDir = tempDir("aurea-cli-user-");
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function aurea(args: string[], stdin?: string) {
  const proc = Bun.spawn(["bun", "src/main.ts", ...args, "--data", dataDir], {
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { out, err, code };
}

test("create, list, reset-password, with clear errors", async () => {
  let r = await aurea(["user", "create", "--email", "Ana@Example.com", "--role", "viewer", "--password-stdin"], "viewer password 1\n");
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  expect(r.out).toContain("ana@example.com (viewer) created");

  r = await aurea(["user", "create", "--email", "ana@example.com", "--password-stdin"], "another password\n");
  expect(r.code).toBe(2);
  expect(r.err).toContain("already exists");

  r = await aurea(["user", "create", "--email", "bob@example.com", "--password-stdin"], "short\n");
  expect(r.code).toBe(2);
  expect(r.err).toContain("at least 10 characters");

  r = await aurea(["user", "create", "--email", "bob@example.com"]);
  expect(r.code).toBe(2);
  expect(r.err).toContain("--password-stdin");

  r = await aurea(["user", "create", "--email", "bob@example.com", "--role", "admin", "--password-stdin"], "long enough pw\n");
  expect(r.code).toBe(2);
  expect(r.err).toContain("owner or viewer");

  r = await aurea(["user", "reset-password", "--email", "nobody@example.com", "--password-stdin"], "long enough pw\n");
  expect(r.code).toBe(2);
  expect(r.err).toContain("no user with nobody@example.com");

  r = await aurea(["user", "reset-password", "--email", "ana@example.com", "--password-stdin"], "a brand new password");
  expect(r.code).toBe(0);

  r = await aurea(["user", "list", "--json"]);
  expect(JSON.parse(r.out)).toEqual([{ id: 1, email: "ana@example.com", role: "viewer", funnels: [] }]);

  const store = openStore(dataDir);
  try {
    expect(await verifyCredentials(store.db, "ana@example.com", "viewer password 1")).toBeNull();
    expect(await verifyCredentials(store.db, "ana@example.com", "a brand new password")).toEqual({ id: 1, email: "ana@example.com", role: "viewer" });
    const hash = store.sqlite.query<{ password_hash: string }, []>("SELECT password_hash FROM users").get()!.password_hash;
    expect(hash).toStartWith("$argon2id$");
  } finally {
    store.close();
  }
}, 30_000);
