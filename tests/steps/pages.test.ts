// The steps pages through a real server: the editor (settings), the report, the drill-down.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { getSteps } from "../../src/funnels/steps-definition";
import { createUser } from "../../src/web/auth/users";
import { client, signedInOwner, type Browserish } from "../web/client";
import { createTestFunnel, DESKTOP_CHROME, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";
import { grantFunnels } from "../../src/web/auth/funnel-access";

setDefaultTimeout(120_000);

let server: TestServer;
let funnel: TestFunnel;
let owner: Browserish;
const HX = { "hx-request": "true" };

beforeAll(async () => {
  server = await startTestServer();
  funnel = createTestFunnel(server);
  owner = await signedInOwner(server);
});
afterAll(() => server.stop());

const editor = () => `/funnels/${funnel.id}/steps/editor`;

function rowsForm(rows: { name: string; kind: string; pattern: string; where?: string }[], extra: Record<string, string> = {}) {
  const form: Record<string, string> = { _csrf: owner.csrf, window: "7d", order: "sequential", rows: String(rows.length), ...extra };
  rows.forEach((r, i) => {
    form[`name_${i}`] = r.name;
    form[`kind_${i}`] = r.kind;
    form[`pattern_${i}`] = r.pattern;
    form[`where_${i}`] = r.where ?? "";
  });
  return form;
}

const GOOD = [
  { name: "Landing", kind: "page", pattern: "/" },
  { name: "Pricing", kind: "page", pattern: "/pricing*" },
  { name: "Checkout", kind: "event", pattern: "checkout_initiated" },
  { name: "Purchase <b>now</b>", kind: "event", pattern: "purchase", where: "plan=pro" },
];

describe("before any steps", () => {
  test("the report page says how to define them", async () => {
    const text = await owner.load(`/funnels/${funnel.id}/steps`);
    expect(text).toContain("No steps yet");
    expect(text).toContain(`/funnels/${funnel.id}/settings#steps-settings`);
  });

  test("the settings page loads the editor into #steps-settings", async () => {
    const text = await owner.load(`/funnels/${funnel.id}/settings`);
    expect(text).toContain(`id="steps-settings"`);
    expect(text).toContain(`hx-get="/funnels/${funnel.id}/steps/editor"`);
  });

  test("the editor suggests a start and saves nothing", async () => {
    const res = await owner.get(editor(), HX);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("Here is a start from your data");
    expect(text).toContain(`name="pattern_0" type="text" value="/"`);
    expect(text).toContain(`value="$conversion"`);
    expect(text).not.toContain("<html");
    expect(getSteps(server.ctx.store.db, funnel.id)).toBeNull();
  });

  test("without htmx the editor is a whole page", async () => {
    const text = await owner.load(editor());
    expect(text).toContain("<html");
    expect(text).toContain(`id="steps-editor"`);
  });
});

describe("editing", () => {
  test("add, move and remove rows server-side, without saving", async () => {
    let res = await owner.post(editor(), rowsForm(GOOD.slice(0, 2), { op: "add" }), HX);
    let text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain(`name="rows" value="3"`);
    res = await owner.post(editor(), rowsForm(GOOD.slice(0, 2), { op: "up:1" }), HX);
    text = await res.text();
    expect(text.indexOf('value="Pricing"')).toBeLessThan(text.indexOf('value="Landing"'));
    res = await owner.post(editor(), rowsForm(GOOD.slice(0, 2), { op: "remove:0" }), HX);
    text = await res.text();
    expect(text).toContain(`name="rows" value="1"`);
    expect(text).not.toContain('value="Landing"');
    expect(getSteps(server.ctx.store.db, funnel.id)).toBeNull();
  });

  test("invalid steps: 422, each problem names its step, nothing saved", async () => {
    const bad = [...GOOD.slice(0, 2), { name: "Checkout", kind: "page", pattern: "/a[" }, { name: "", kind: "event", pattern: "buy", where: "plan" }];
    const res = await owner.post(editor(), rowsForm(bad, { op: "save", window: "100d" }), HX);
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text).toContain("Nothing was saved");
    expect(text).toContain('Step 3 &quot;Checkout&quot; page: pattern &quot;/a[&quot; does not parse');
    expect(text).toContain("Step 4 name: must not be empty");
    expect(text).toContain("Step 4 where: &quot;plan&quot; is not a condition");
    expect(text).toContain("window: &quot;100d&quot; is longer than 90d");
    expect(text).toContain('aria-invalid="true"');
    expect(getSteps(server.ctx.store.db, funnel.id)).toBeNull();
  });

  test("one step is not a funnel", async () => {
    const res = await owner.post(editor(), rowsForm(GOOD.slice(0, 1), { op: "save" }), HX);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("steps: must have at least 2 steps");
  });

  test("saving needs the CSRF token", async () => {
    const form = rowsForm(GOOD, { op: "save" });
    delete form._csrf;
    const res = await fetch(server.url + editor(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: owner.cookie!, ...HX },
      body: new URLSearchParams(form),
    });
    expect(res.status).toBe(403);
    expect(getSteps(server.ctx.store.db, funnel.id)).toBeNull();
  });

  test("a viewer sees the steps but cannot save", async () => {
    grantFunnels(server.ctx.store.db, (await createUser(server.ctx.store.db, { email: "viewer@example.com", password: "viewer password 1", role: "viewer" })).id, [funnel.id], Date.now());
    const v = client(server);
    expect((await v.post("/login", { email: "viewer@example.com", password: "viewer password 1" })).status).toBe(303);
    await v.load("/funnels");
    const view = await (await v.get(editor(), HX)).text();
    expect(view).not.toContain("<form");
    const res = await v.post(editor(), { ...rowsForm(GOOD, { op: "save" }), _csrf: v.csrf }, HX);
    expect(res.status).toBe(403);
    expect(getSteps(server.ctx.store.db, funnel.id)).toBeNull();
  });

  test("valid steps are saved and shown as JSON", async () => {
    const res = await owner.post(editor(), rowsForm(GOOD, { op: "save", order: "strict", window: "12h" }), HX);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("Saved 4 steps.");
    expect(text).toContain("&quot;window&quot;: &quot;12h&quot;");
    expect(getSteps(server.ctx.store.db, funnel.id)).toMatchObject({
      window: "12h",
      order: "strict",
      steps: [GOOD[0], GOOD[1], GOOD[2], GOOD[3]].map((g) => ({ name: g.name, [g.kind]: g.pattern, ...(g.where ? { where: { plan: "pro" } } : {}) })),
    });
  });
});

describe("the report", () => {
  beforeAll(async () => {
    const now = Date.now();
    const pv = (anon: string, path: string, min: number) => ({ id: eventId(), type: "page_view", anonymousId: anon, url: `https://shop.example${path}`, ts: now - min * 60_000 });
    const events = [
      pv("v1", "/", 50), pv("v1", "/pricing", 49),
      { id: eventId(), type: "track", name: "checkout_initiated", anonymousId: "v1", ts: now - 48 * 60_000 },
      { id: eventId(), type: "conversion", name: "purchase", anonymousId: "v1", ts: now - 47 * 60_000, props: { plan: "pro" }, revenue: { amount: 99, currency: "EUR" } },
      // v2 browses through the server with the secret key, on behalf of a desktop Chrome from a newsletter.
      { ...pv("v2<img src=x onerror=alert(1)>", "/?utm_source=newsletter&utm_medium=email", 40), userAgent: DESKTOP_CHROME },
      { ...pv("v2<img src=x onerror=alert(1)>", "/pricing", 39), userAgent: DESKTOP_CHROME },
      { id: eventId(), type: "track", name: "checkout_initiated", anonymousId: "v2<img src=x onerror=alert(1)>", ts: now - 38 * 60_000, userAgent: DESKTOP_CHROME },
    ];
    expect((await sendEvents(server, { funnelId: funnel.id, key: funnel.secretKey, events })).status).toBe(202);
    await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length === events.length);
  });

  test("bars, figures, revenue and escaped names", async () => {
    const res = await owner.get(`/funnels/${funnel.id}/steps`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("style-src 'self'");
    const text = await res.text();
    expect(text).toContain('class="fbars"');
    expect((text.match(/class="fbar-fill"/g) ?? []).length).toBe(4);
    expect(text).toContain('aria-label="Checkout: 2 visitors, 100% of those who entered"');
    expect(text).toContain('aria-label="Purchase &lt;b&gt;now&lt;/b&gt;: 1 visitors, 50% of those who entered"');
    expect(text).not.toContain("<b>now</b>");
    expect(text).toContain("€99.00");
    // v1's €99 shows once, where it belongs: on the last step, from the visitor who completed.
    const bars = text.slice(text.indexOf('class="fbars"'), text.indexOf('id="drilldown-card"'));
    expect(bars.match(/€99\.00/g)).toHaveLength(1);
    expect(bars).toContain("Revenue from visitors who completed €99.00");
    expect(bars).not.toContain("Revenue from visitors who stopped here");
    expect(text).toContain("1 stopped here");
    expect(text).toContain("12h window");
    expect(text).not.toMatch(/style="/);
  });

  test("breakdown and a bad parameter", async () => {
    const text = await owner.load(`/funnels/${funnel.id}/steps?breakdown=device`);
    expect(text).toContain('id="breakdown"');
    const bad = await owner.load(`/funnels/${funnel.id}/steps?breakdown=planet`);
    expect(bad).toContain("breakdown: expected one of");
  });

  test("range presets, custom dates and filters", async () => {
    const week = await owner.load(`/funnels/${funnel.id}/steps?range=7d&device=desktop`);
    expect(week).toContain('<option value="7d" selected>');
    expect(week).toContain("Device: desktop ✕");
    expect(week).toContain('<input type="hidden" name="device" value="desktop">');
    const nobody = await owner.load(`/funnels/${funnel.id}/steps?range=7d&device=tablet`);
    expect(nobody).toContain("Nobody entered the funnel in this range");
    const old = await owner.load(`/funnels/${funnel.id}/steps?range=custom&from=2020-01-01&to=2020-01-31`);
    expect(old).toContain("visitors who entered 1 Jan 2020 – 31 Jan 2020");
    expect(old).toContain("Nobody entered the funnel in this range");
    const bad = await owner.load(`/funnels/${funnel.id}/steps?range=forever`);
    expect(bad).toContain("range: expected one of");
  });

  test("From and To apply without choosing the custom range first", async () => {
    const page = await owner.load(`/funnels/${funnel.id}/steps?range=30d`);
    const shown = (name: string) => page.match(new RegExp(`name="${name}"[^>]*value="(\\d{4}-\\d{2}-\\d{2})"`))![1];
    const [from, to] = [shown("shown_from"), shown("shown_to")];
    expect(shown("from")).toBe(from);
    // Dates changed, preset left alone: the dates win.
    const dates = await owner.load(`/funnels/${funnel.id}/steps?range=30d&from=2020-01-01&to=2020-01-31&shown_from=${from}&shown_to=${to}`);
    expect(dates).toContain("visitors who entered 1 Jan 2020 – 31 Jan 2020");
    expect(dates).toContain('<option value="custom" selected>');
    // Preset changed, dates left as shown: the preset wins.
    const week = await owner.load(`/funnels/${funnel.id}/steps?range=7d&from=${from}&to=${to}&shown_from=${from}&shown_to=${to}`);
    expect(week).toContain('<option value="7d" selected>');
    expect(week).not.toContain(`name="from" type="date" value="${from}"`);
  });

  test("drill-down: who stopped at checkout, escaped", async () => {
    const res = await owner.get(`/funnels/${funnel.id}/steps/visitors?step=3&status=stopped`, HX);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("Stopped here at step 3");
    expect(text).toContain("v2&lt;img src=x");
    expect(text).not.toContain("<img");
    expect(text).toContain("checkout_initiated");
    expect(text).toContain("in progress");
    expect(text).toContain(`/funnels/${funnel.id}/sessions/`);
    // Who they are, not a bare id: the entry visit's source and device, when first seen.
    const v2Row = text.slice(text.indexOf("v2&lt;img"));
    expect(v2Row).toContain("newsletter");
    expect(v2Row).toContain("Desktop");
    expect(v2Row).toContain("Chrome");
    expect(v2Row).toMatch(/<time datetime="[^"]+">\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}<\/time>/);
    const cont = await (await owner.get(`/funnels/${funnel.id}/steps/visitors?step=3&status=continued`, HX)).text();
    expect(cont).toContain("v1");
    expect(cont).toContain("€99.00");
    const bad = await owner.get(`/funnels/${funnel.id}/steps/visitors?step=0`, HX);
    expect(bad.status).toBe(400);
  });

  test("the stylesheet is served", async () => {
    const res = await fetch(`${server.url}/assets/steps.css`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/css");
    expect(await res.text()).toContain(".fbar-fill");
  });

  test("signed-out visitors are sent to log in", async () => {
    const res = await client(server).get(`/funnels/${funnel.id}/steps`);
    expect(res.status).toBe(303);
  });
});
