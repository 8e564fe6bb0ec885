// A funnel's time zone through the dashboard routes: an owner's first visit adopts the
// browser zone (the aurea_tz cookie), a viewer's does not; Settings saves a valid zone
// only, and only for owners; every page then draws in it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { getTimeZone } from "../../src/funnels/time-zone";
import { createUser } from "../../src/web/auth/users";
import { createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { client, signedInOwner, type Browserish } from "./client";
import { grantFunnels } from "../../src/web/auth/funnel-access";

let server: TestServer;
let funnel: TestFunnel;
let owner: Browserish;
let viewer: Browserish;
const HX = { "hx-request": "true" };
const withZone = (c: Browserish, tz: string) => ({ cookie: `${c.cookie}; aurea_tz=${encodeURIComponent(tz)}` });

beforeAll(async () => {
  server = await startTestServer();
  funnel = createTestFunnel(server);
  owner = await signedInOwner(server);
  grantFunnels(server.ctx.store.db, (await createUser(server.ctx.store.db, { email: "viewer@example.com", password: "viewer password 1", role: "viewer" })).id, [funnel.id], Date.now());
  viewer = client(server);
  expect((await viewer.post("/login", { email: "viewer@example.com", password: "viewer password 1" })).status).toBe(303);
  await viewer.load("/funnels");
});
afterAll(() => server.stop());

test("a viewer's visit shows their browser zone but does not set the funnel's; an owner's first visit does", async () => {
  const seen = await (await viewer.get(`/funnels/${funnel.id}/sessions`, withZone(viewer, "Asia/Tokyo"))).text();
  expect(seen).toContain('data-tz="Asia/Tokyo"');
  expect(getTimeZone(server.ctx.store.db, funnel.id)).toBeNull();
  await owner.get(`/funnels/${funnel.id}/steps`, withZone(owner, "Europe/Berlin"));
  expect(getTimeZone(server.ctx.store.db, funnel.id)).toBe("Europe/Berlin");
  // From now on everyone sees the funnel's zone, whatever their browser says.
  const later = await (await viewer.get(`/funnels/${funnel.id}/sessions`, withZone(viewer, "Asia/Tokyo"))).text();
  expect(later).toContain('<body data-tz="Europe/Berlin">');
  await owner.get(`/funnels/${funnel.id}/sessions`, withZone(owner, "America/Chicago"));
  expect(getTimeZone(server.ctx.store.db, funnel.id)).toBe("Europe/Berlin");
});

test("Settings: the picker shows the zone; a valid zone is saved, a bad one is not; viewers cannot", async () => {
  const card = await (await owner.get(`/funnels/${funnel.id}/settings/time-zone`, HX)).text();
  expect(card).toContain('<option value="Europe/Berlin" selected>');
  expect(card).toMatch(/Times read like \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}/);
  const settings = await owner.load(`/funnels/${funnel.id}/settings`);
  expect(settings).toContain(`hx-get="/funnels/${funnel.id}/settings/time-zone"`);

  const bad = await owner.post(`/funnels/${funnel.id}/settings/time-zone`, { _csrf: owner.csrf, time_zone: "Mars/Olympus" }, HX);
  expect(bad.status).toBe(422);
  expect(await bad.text()).toContain("is not a time zone");
  expect(getTimeZone(server.ctx.store.db, funnel.id)).toBe("Europe/Berlin");

  const denied = await viewer.post(`/funnels/${funnel.id}/settings/time-zone`, { _csrf: viewer.csrf, time_zone: "UTC" }, HX);
  expect(denied.status).toBe(403);

  const ok = await owner.post(`/funnels/${funnel.id}/settings/time-zone`, { _csrf: owner.csrf, time_zone: "Asia/Kolkata" }, HX);
  expect(ok.status).toBe(200);
  expect(await ok.text()).toContain("Saved: times of this funnel are now in Asia/Kolkata.");
  expect(getTimeZone(server.ctx.store.db, funnel.id)).toBe("Asia/Kolkata");
  // Every page of the funnel carries its zone, for the times app.js draws (<time data-local>).
  for (const path of ["/steps", "/settings", "/automations", "/sessions", "/contacts", ""]) {
    expect(await owner.load(`/funnels/${funnel.id}${path}`)).toContain('<body data-tz="Asia/Kolkata">');
  }
});
