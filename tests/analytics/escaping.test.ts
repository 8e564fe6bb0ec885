// Hostile text in every field an event can carry must come back as text on every
// analytics page and partial: never as markup.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { signedInOwner, type Browserish } from "../web/client";
import { createTestFunnel, eventId, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";
import { sendPublic, sendSecret, SHOP } from "./fixture";

const X = "<img src=x onerror=alert(1)>";
const XE = encodeURIComponent(X);
let server: TestServer;
let owner: Browserish;
let funnel: TestFunnel;
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await signedInOwner(server);
  funnel = createTestFunnel(server);
  base = `/funnels/${funnel.id}`;
  const f = { server, funnel };
  const anon = `anon-${X}`;
  const session = `s-${X}`;
  await sendPublic(f, [
    {
      id: eventId(), type: "page_view", anonymousId: anon, sessionId: session, title: X,
      url: `${SHOP}/${XE}?utm_source=${XE}&utm_medium=${XE}&utm_campaign=${XE}&utm_term=${XE}&utm_content=${XE}`,
      referrer: `https://evil.example/${X}`,
    },
    { id: eventId(), type: "track", name: X, anonymousId: anon, sessionId: session, url: `${SHOP}/${XE}`, props: { [X]: X, plain: X } },
    { id: eventId(), type: "identify", userId: `${X}@evil.example`, traits: { name: X, email: `${X}@evil.example`, [X]: X }, anonymousId: anon, sessionId: session },
  ]);
  await sendSecret(f, [
    {
      id: eventId(), type: "conversion", name: X, anonymousId: anon, sessionId: session, revenue: { amount: 5, currency: "EUR" },
      userAgent: `Mozilla/5.0 (${X}; ${X}) AppleWebKit/537.36 (KHTML, like Gecko) ${X}/1.0 Safari/537.36`, ip: "127.0.0.1",
      props: { [X]: X },
    },
  ]);
  await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length >= 4);
});

afterAll(async () => {
  await server.stop();
});

test("no analytics page or partial renders hostile event text as markup", async () => {
  const list = await (await owner.get(`${base}/contacts?range=today`)).text();
  const contactId = list.match(new RegExp(`${base}/contacts/(\\d+)`))?.[1];
  expect(contactId).toBeDefined();
  const q = "range=today";
  // [path, whether the hostile text is shown there (escaped)]
  const paths: [string, boolean][] = [
    [`${base}?${q}`, true],
    [`${base}?${q}&source=${XE}&page=${encodeURIComponent(`/${X}`)}`, true],
    [`${base}/panels/chart?${q}&metric=revenue`, false],
    ...["channel", "referrer"].map((d) => [`${base}/panels/sources?${q}&dim=${d}`, false] as [string, boolean]),
    ...["source", "medium", "campaign", "term", "content"].map((d) => [`${base}/panels/sources?${q}&dim=${d}`, true] as [string, boolean]),
    ...["page", "entry", "exit"].map((d) => [`${base}/panels/pages?${q}&dim=${d}`, true] as [string, boolean]),
    ...["country", "region", "city"].map((d) => [`${base}/panels/locations?${q}&dim=${d}`, false] as [string, boolean]),
    ...["browser", "os", "device"].map((d) => [`${base}/panels/devices?${q}&dim=${d}`, false] as [string, boolean]),
    // The hostile name is a conversion's too, so it is listed under Conversions.
    [`${base}/panels/events?${q}`, false],
    [`${base}/panels/events?${q}&kind=conversion`, true],
    [`${base}/panels/events?${q}&kind=auto`, false],
    [`${base}/panels/event-props?${q}&name=${XE}`, true],
    [`${base}/live?after=0`, true],
    [`${base}/sessions?${q}`, true],
    [`${base}/sessions/${encodeURIComponent(`s-${X}`)}`, true],
    [`${base}/contacts?${q}`, true],
    [`${base}/contacts/${contactId}`, true],
  ];
  for (const [path, shown] of paths) {
    const res = await owner.get(path, path.includes("/panels/") || path.includes("/live") ? { "hx-request": "true" } : {});
    const body = await res.text();
    expect(`${path} → ${res.status}`).toBe(`${path} → 200`);
    expect(body.toLowerCase()).not.toContain("<img");
    if (shown) expect(`${path}: ${body.includes("&lt;img src")}`).toBe(`${path}: true`);
  }
});

test("the filter chip for a hostile value is text too", async () => {
  const body = await (await owner.get(`${base}?range=today&campaign=${XE}`)).text();
  expect(body).toContain('<span class="chip-value">&lt;img src=x onerror=alert(1)&gt;</span>');
  expect(body.toLowerCase()).not.toContain("<img");
});
