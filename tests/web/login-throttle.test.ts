// Failed sign-ins slow guessing down with growing delays, per IP and per account,
// without locking the owner out: a known device still signs in, and the CLI clears it.
import { afterEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { LoginLimiter, MemoryThrottleStore } from "../../src/web/auth/login-limiter";
import { runCli } from "../helpers/process";
import { startTestServer, type TestServer } from "../helpers/server";
import { OWNER, signedInOwner } from "./client";

setDefaultTimeout(120_000);

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

let clock = Date.UTC(2026, 5, 1, 12);
const tick = (ms: number) => (clock += ms);

/** A sign-in attempt from `ip` (the server trusts X-Forwarded-For), with an optional device cookie. */
async function login(password: string, ip: string, device?: string | null, email = OWNER.email) {
  const res = await fetch(`${server!.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": ip, ...(device ? { cookie: `aurea_device=${device}` } : {}) },
    body: new URLSearchParams({ email, password }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("aurea_device="));
  return { status: res.status, retryAfter: Number(res.headers.get("retry-after") ?? 0), device: cookie?.split(";")[0].slice("aurea_device=".length) ?? null, text: await res.text() };
}

async function start() {
  server = await startTestServer({ trustProxy: true, now: () => clock });
  await signedInOwner(server);
}

describe("growing delays instead of a hard lock", () => {
  test("five free failures, then each attempt waits 2, 4, 8 … seconds after the last failure, never more than 15 minutes", async () => {
    await start();
    for (let i = 0; i < 5; i++) expect((await login(`wrong-${i}-password`, "198.51.100.7")).status).toBe(401);
    let r = await login(OWNER.password, "198.51.100.7");
    expect(r.status).toBe(429);
    expect(r.retryAfter).toBe(2);
    expect(r.text).toContain("Try again in 2 seconds");
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      tick(r.retryAfter * 1000);
      expect((await login("still the wrong one", "198.51.100.7")).status).toBe(401);
      r = await login(OWNER.password, "198.51.100.7");
      expect(r.status).toBe(429);
      waits.push(r.retryAfter);
    }
    expect(waits).toEqual([4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]);
    // The right password after the wait works; the account starts afresh.
    tick(900_000);
    expect((await login(OWNER.password, "198.51.100.7")).status).toBe(303);
  });

  test("the account's delay applies from any IP; a known device with the right password still signs in", async () => {
    await start();
    const owner = await login(OWNER.password, "192.0.2.10");
    expect(owner.status).toBe(303);
    expect(owner.device).toMatch(/^\d+\.[\w-]+\.[\w-]+$/);
    // Someone guesses from many addresses.
    for (let i = 0; i < 8; i++) await login(`guess-${i}-password`, `203.0.113.${i}`);
    expect((await login(OWNER.password, "192.0.2.99")).status).toBe(429);
    // The owner's browser is known: no wait, and no new failures needed to get in.
    expect((await login(OWNER.password, "192.0.2.10", owner.device)).status).toBe(303);
    // A forged or foreign device cookie counts for nothing.
    expect((await login(OWNER.password, "192.0.2.99", `${owner.device}x`)).status).toBe(429);
    expect((await login(OWNER.password, "192.0.2.99", owner.device!.replace(/^\d+/, "999"))).status).toBe(429);
  });

  test("per IP: failures over many accounts slow that IP down, not others", async () => {
    await start();
    for (let i = 0; i < 5; i++) await login("wrong password", "198.51.100.20", null, `guess${i}@example.com`);
    expect((await login(OWNER.password, "198.51.100.20")).status).toBe(429);
    expect((await login(OWNER.password, "198.51.100.21")).status).toBe(303);
    // Unknown accounts leave no rows behind: only real accounts are kept in the table.
    const rows = server!.ctx.store.sqlite.query<{ key: string }, []>("SELECT key FROM login_throttle").all();
    expect(rows).toEqual([]);
  });

  test("aurea user unlock (and reset-password) clear the account's delay while the server runs", async () => {
    await start();
    for (let i = 0; i < 10; i++) await login(`guess-${i}-password`, `203.0.113.${i}`);
    expect((await login(OWNER.password, "192.0.2.50")).status).toBe(429);
    const unlock = await runCli(["user", "unlock", "--email", OWNER.email, "--data", server!.dataDir]);
    expect(unlock.stderr).toBe("");
    expect(unlock.stdout).toContain("forgotten");
    expect((await login(OWNER.password, "192.0.2.50")).status).toBe(303);

    for (let i = 0; i < 10; i++) await login(`guess-${i}-password`, `203.0.113.${i}`);
    expect((await login(OWNER.password, "192.0.2.51")).status).toBe(429);
    const reset = await runCli(["user", "reset-password", "--email", OWNER.email, "--password-stdin", "--data", server!.dataDir], { stdin: "a brand new passphrase\n" });
    expect(reset.code).toBe(0);
    expect((await login("a brand new passphrase", "192.0.2.51")).status).toBe(303);
  });
});

describe("the in-memory store", () => {
  test("evicts the least recently used key when full, never wiping every counter", () => {
    const memoryStore = new MemoryThrottleStore(3);
    let t = 0;
    const limiter = new LoginLimiter({ memoryStore, freeFailures: 1, now: () => t });
    limiter.fail(["ip:a"]);
    limiter.fail(["ip:b"]);
    limiter.fail(["ip:c"]);
    expect(limiter.blockedFor(["ip:a"])).toBe(2); // touches a
    limiter.fail(["ip:d"]);
    expect(memoryStore.size).toBe(3);
    expect(limiter.blockedFor(["ip:b"])).toBe(0);
    for (const k of ["ip:a", "ip:c", "ip:d"]) expect(limiter.blockedFor([k])).toBe(2);
    // A flood of new keys pushes out old ones one by one; the newest stay blocked.
    for (let i = 0; i < 1000; i++) limiter.fail([`ip:flood${i}`]);
    expect(memoryStore.size).toBe(3);
    expect(limiter.blockedFor(["ip:flood999"])).toBe(2);
  });

  test("a key forgets after an hour without failures", () => {
    let t = 0;
    const limiter = new LoginLimiter({ now: () => t });
    for (let i = 0; i < 7; i++) limiter.fail(["ip:x"]);
    expect(limiter.blockedFor(["ip:x"])).toBe(8);
    t += 60 * 60 * 1000 + 1;
    expect(limiter.blockedFor(["ip:x"])).toBe(0);
    limiter.fail(["ip:x"]);
    expect(limiter.blockedFor(["ip:x"])).toBe(0);
  });
});
