// The digest's unsubscribe link against a running server: GET only asks, the RFC 8058
// one-click POST unsubscribes, a tampered link is refused and changes nothing; and
// Settings → Email reports: recipients set by an owner, email off said plainly.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { subscribe, subscriptions } from "../../src/reports/subscriptions";
import { createUser } from "../../src/web/auth/users";
import { runCli } from "../helpers/process";
import { createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";
import { client, signedInOwner, type Browserish } from "../web/client";
import { grantFunnels } from "../../src/web/auth/funnel-access";

let server: TestServer;
let smtp: TestSmtp;
let funnel: TestFunnel;
let owner: Browserish;
let link: string;

beforeAll(async () => {
  server = await startTestServer();
  smtp = await startTestSmtp();
  owner = await signedInOwner(server);
  funnel = createTestFunnel(server);
  subscribe(server.ctx.store.sqlite, funnel.id, "ana@example.com", "weekly", Date.now());
  subscribe(server.ctx.store.sqlite, funnel.id, "ben@example.com", "weekly", Date.now());
  const r = await runCli(["report", "send", "--funnel", funnel.id, "--period", "last-week", "--to", "ana@example.com", "--data", server.dataDir], {
    env: { AUREA_SMTP_URL: smtp.url, AUREA_MAIL_FROM: "reports@example.com", AUREA_PUBLIC_URL: server.url },
  });
  if (r.code !== 0) throw new Error(r.stderr);
  const [mail] = await smtp.waitFor(1);
  link = mail.raw.replace(/\r?\n[ \t]+/g, " ").match(/^List-Unsubscribe: <([^>]+)>/im)![1];
}, 120_000);

afterAll(async () => {
  await smtp?.close();
  await server?.stop();
});

const emails = () => subscriptions(server.ctx.store.sqlite, funnel.id).map((s) => s.email);
const oneClick = (url: string) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });

test("a tampered link is refused and unsubscribes nobody", async () => {
  const [payload, sig] = link.split("/").at(-1)!.split(".");
  const forged = Buffer.from(JSON.stringify([funnel.id, "ben@example.com", "weekly"])).toString("base64url");
  for (const bad of [`${forged}.${sig}`, `${payload}.${sig.slice(0, -2)}xx`, `${payload}`, "x.y.z"]) {
    const res = await oneClick(link.replace(/[^/]+$/, bad));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("This unsubscribe link is not valid");
  }
  expect(emails()).toEqual(["ana@example.com", "ben@example.com"]);
});

test("opening the link only asks; the one-click POST unsubscribes that address only", async () => {
  const page = await fetch(link);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("ana@example.com gets the weekly report");
  expect(emails()).toEqual(["ana@example.com", "ben@example.com"]);
  const res = await oneClick(link);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain("ana@example.com no longer gets the weekly report");
  expect(emails()).toEqual(["ben@example.com"]);
  expect((await oneClick(link)).status).toBe(200); // again: still fine, nothing left to do
});

test("settings: email off is said, an owner sets recipients, a viewer cannot", async () => {
  const base = `/funnels/${funnel.id}/settings/reports`;
  const panel = await (await owner.get(base)).text();
  expect(panel).toContain("Email is off: start the server with");
  grantFunnels(server.ctx.store.db, (await createUser(server.ctx.store.db, { email: "viewer@example.com", password: "viewer password 1", role: "viewer" })).id, [funnel.id], Date.now());
  const saved = await owner.post(base, { _csrf: owner.csrf, weekly: ["owner@example.com"], weekly_extra: "Cleo@Example.com\n", monthly_extra: "" }, { "hx-request": "true" });
  expect(saved.status).toBe(200);
  expect(await saved.text()).toContain("Recipients saved.");
  expect(subscriptions(server.ctx.store.sqlite, funnel.id).map((s) => `${s.cadence}:${s.email}`)).toEqual(["weekly:cleo@example.com", "weekly:owner@example.com"]);
  const bad = await owner.post(base, { _csrf: owner.csrf, weekly_extra: "not an address" }, { "hx-request": "true" });
  expect(bad.status).toBe(422);
  expect(await bad.text()).toContain("is not an email address");
  expect(emails()).toEqual(["cleo@example.com", "owner@example.com"]);

  const viewer = client(server);
  const login = await viewer.post("/login", { email: "viewer@example.com", password: "viewer password 1" });
  expect(login.status).toBe(303);
  await viewer.load("/funnels");
  expect((await viewer.get(base)).status).toBe(200);
  const denied = await viewer.post(base, { _csrf: viewer.csrf, weekly_extra: "mallory@example.com" });
  expect(denied.status).toBe(403);
  expect(emails()).toEqual(["cleo@example.com", "owner@example.com"]);
});
