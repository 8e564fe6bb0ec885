// Where a sign-in sends you next: only to a path of this server, whatever the `next` says.
import { afterEach, beforeEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { safeNext } from "../../src/web/pages/auth";
import { startTestServer, type TestServer } from "../helpers/server";
import { client, OWNER, signedInOwner } from "./client";

setDefaultTimeout(120_000);

describe("safeNext", () => {
  test.each([
    ["/funnels?x=1", "/funnels?x=1"],
    ["/funnels/fn_1/settings#keys", "/funnels/fn_1/settings#keys"],
    ["/", "/"],
  ])("%s is kept", (raw, expected) => {
    expect(safeNext(raw)).toBe(expected);
  });

  test.each([
    "//evil.example/x",
    "/\\evil.example/x",
    "/\t/evil.example/phish",
    "/\n/evil.example/phish",
    "/\r\nSet-Cookie: x=1",
    "\\\\evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
    "/ok\u0000",
    "/ok\u007f",
  ])("%j goes to /funnels", (raw) => {
    expect(safeNext(raw)).toBe("/funnels");
  });

  test("a same-origin absolute URL on another server's origin is refused", () => {
    expect(safeNext("http://127.0.0.1:9/funnels", "http://127.0.0.1:8080")).toBe("/funnels");
  });
});

describe("through a real server", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  test("a signed-in GET /login with a tab in next stays on this server", async () => {
    const c = await signedInOwner(server);
    const res = await c.get("/login?next=%2F%09%2Fevil.example%2Fphish");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/funnels");
  });

  test("a next with a line feed signs in and redirects, never 500", async () => {
    await signedInOwner(server);
    const c = client(server);
    const res = await c.post("/login", { email: OWNER.email, password: OWNER.password, next: "/\n/evil.example/x" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/funnels");
    const again = await c.get("/login?next=%2Ffunnels%0A%2F%2Fevil.example");
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe("/funnels");
  });
});
