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
}, 120_000);

test("a viewer's funnels: create --funnels, grant, revoke (which also ends that funnel's digests), list", async () => {
  const ids: string[] = [];
  for (const name of ["One", "Two"]) {
    const r = await aurea(["funnel", "create", "--name", name, "--url", "https://shop.example", "--json"]);
    expect(r.code).toBe(0);
    ids.push(JSON.parse(r.out).id);
  }
  let r = await aurea(["user", "create", "--email", "cleo@example.com", "--role", "viewer", "--funnels", `${ids[0]},fn_nope`, "--password-stdin"], "viewer password 1\n");
  expect(r.code).toBe(2);
  expect(r.err).toContain("there is no funnel fn_nope");
  r = await aurea(["user", "create", "--email", "cleo@example.com", "--role", "viewer", "--funnels", ids[0], "--password-stdin"], "viewer password 1\n");
  expect(r.code).toBe(0);
  expect(r.out).toContain(`cleo@example.com (viewer) created, seeing ${ids[0]}`);
  r = await aurea(["user", "create", "--email", "owner2@example.com", "--funnels", ids[0], "--password-stdin"], "owner password 1\n");
  expect(r.code).toBe(2);
  expect(r.err).toContain("--funnels is for viewers");

  r = await aurea(["user", "grant", "--email", "cleo@example.com", "--funnels", "all", "--json"]);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toEqual({ email: "cleo@example.com", funnels: [...ids].sort() });

  r = await aurea(["report", "schedule", "--funnel", ids[1], "--weekly", "--to", "cleo@example.com"]);
  expect(r.code).toBe(0);
  r = await aurea(["user", "revoke", "--email", "cleo@example.com", "--funnels", ids[1]]);
  expect(r.code).toBe(0);
  expect(r.out).toContain(`no longer sees ${ids[1]}`);
  const store = openStore(dataDir);
  try {
    expect(store.sqlite.query("SELECT count(*) AS n FROM report_subscriptions WHERE email = 'cleo@example.com'").get()).toEqual({ n: 0 });
  } finally {
    store.close();
  }

  r = await aurea(["user", "list"]);
  expect(r.out).toContain(`cleo@example.com  viewer  ${ids[0]}`);
  r = await aurea(["user", "grant", "--email", "ana@example.com"]);
  expect(r.code).toBe(2);
  expect(r.err).toContain("--funnels ID,ID");
}, 120_000);
