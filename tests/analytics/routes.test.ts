// The analytics pages and partials through a real server: status, key content,
// filters narrowing, bad input, auth.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestFunnel, eventId } from "../helpers/server";
import { client } from "../web/client";
import { sendPublic, sendSecret, startFixture, waitFor, type Fixture } from "./fixture";

let f: Fixture;
const get = (path: string, htmx = false) => f.owner.get(path, htmx ? { "hx-request": "true" } : {});
const text = async (path: string, htmx = false) => {
  const res = await get(path, htmx);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
  return body;
};

beforeAll(async () => {
  f = await startFixture();
});

afterAll(async () => {
  await f.server.stop();
});

describe("auth", () => {
  test("pages redirect to sign-in; partials answer 401 with HX-Redirect", async () => {
    const anon = client(f.server);
    const page = await anon.get(`${f.base}?range=7d`);
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toStartWith("/login?next=");
    for (const path of ["/panels/sources", "/panels/chart", "/live?after=0", "/sessions", "/contacts", "/export/events.csv"]) {
      const res = await anon.get(f.base + path, { "hx-request": "true" });
      expect(res.status).toBe(401);
      expect(res.headers.get("hx-redirect")).toBe("/login");
    }
  });

  test("every answer carries the CSP and no-store", async () => {
    const res = await get(f.base);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("the analytics page", () => {
  test("cards, chart, lazy panels and the live timeline", async () => {
    const html = await text(`${f.base}?range=today`);
    expect(html).toContain('id="kpi-visitors"');
    expect(html).toMatch(/Visitors<\/div>\s*<div class="kpi-value">3</);
    expect(html).toMatch(/Conversions<\/div>\s*<div class="kpi-value">2</);
    expect(html).toContain("€49.00"); // unverified, from the browser
    expect(html).toContain("$100.00"); // verified, from the server
    expect(html).toContain('class="chart-svg"');
    for (const p of ["sources", "pages", "locations", "devices", "events"]) expect(html).toContain(`hx-get="${f.base}/panels/${p}?range=today"`);
    expect(html).toMatch(new RegExp(`data-live-stream="${f.base}/live/stream\\?range=today&amp;after=\\d+"`));
    // The "right now" card: the story is 20 minutes old, so nobody is here now; its sales show.
    expect(html).toMatch(/id="now-visitors">0<[\s\S]*Latest sales[\s\S]*purchase <span class="badge good">\$100\.00</);
    expect(html).toContain("checkout_initiated");
    expect(html).toContain("Cleo"); // the live row names the contact
    expect(html).toContain('<link rel="stylesheet" href="/assets/analytics.css">');
  });

  test("the revenue card names its currency and lists the others beside it, never summed", async () => {
    const html = await text(`${f.base}?range=today`);
    const card = html.slice(html.indexOf('id="kpi-revenue"'), html.indexOf("</dl>", html.indexOf('id="kpi-revenue"')));
    const main = card.match(/>in (USD|EUR)</)?.[1];
    expect(main).toBeDefined();
    const other = main === "USD" ? "€49.00" : "$100.00";
    expect(card).toContain(`also ${other}, not added`);
    expect(card).not.toContain("$149");
  });

  test("a funnel without events shows how to install, with the live install check", async () => {
    const empty = createTestFunnel(f.server, { name: "Fresh" });
    const html = await text(`/funnels/${empty.id}`);
    expect(html).toContain("No events yet for Fresh");
    expect(html).toContain("/sdk.js");
    expect(html).toContain(`data-funnel-id=&quot;${empty.id}&quot;`);
    expect(html).toContain(`hx-get="/funnels/${empty.id}/install-check?then=reload"`); // turns into the dashboard by itself
    expect(html).toContain(`/funnels/${empty.id}/settings#install`);
  });

  test("an empty range says so and suggests what to do", async () => {
    const html = await text(`${f.base}?range=lastmonth`);
    expect(html).toContain("No sessions in this range");
    expect(html).toContain("No visitors in this range yet");
  });

  test("the chart partial switches metric", async () => {
    const html = await text(`${f.base}/panels/chart?range=today&metric=revenue`, true);
    expect(html).toContain('id="chart"');
    expect(html).toContain('aria-selected="true" class="current">Revenue');
    expect(html).toMatch(/<title>[^<]*\$100\.00 revenue<\/title>/);
  });
});

describe("panels", () => {
  test.each([
    ["sources", "", ["Paid Social", "Organic Search", "Direct"]],
    ["sources", "&dim=source", ["facebook", "(no UTM source)"]],
    ["sources", "&dim=referrer", ["facebook.com", "google.com", "Direct / none"]],
    ["sources", "&dim=campaign", ["spring"]],
    ["pages", "", ["/pricing", "/blog/hello", "Top pages"]],
    ["pages", "&dim=entry", ["/pricing", "/", "/blog/hello"]],
    ["pages", "&dim=exit", ["/pricing"]],
    ["locations", "", ["Unknown", "IP Geolocation by DB-IP", 'href="https://db-ip.com"']],
    ["devices", "", ["Chrome"]],
    ["devices", "&dim=os", ["Windows"]],
    ["devices", "&dim=device", ["Desktop"]],
    ["events", "", ["checkout_initiated", 'id="event-props"']],
    ["events", "&kind=conversion", ["purchase"]],
    ["events", "&kind=auto", ["identify"]],
  ])("%s%s", async (panel, extra, expected) => {
    const html = await text(`${f.base}/panels/${panel}?range=today${extra}`, true);
    expect(html).toContain(`id="panel-${panel}"`);
    for (const e of expected) expect(html).toContain(e);
  });

  test("every row filters the whole page, pushing the URL", async () => {
    const html = await text(`${f.base}/panels/sources?range=today&dim=source`, true);
    expect(html).toContain(`href="${f.base}?range=today&amp;source=facebook"`);
    expect(html).toContain('hx-target="#analytics" hx-select="#analytics" hx-swap="outerHTML" hx-push-url="true"');
  });

  test("opening an event shows its property values", async () => {
    const html = await text(`${f.base}/panels/event-props?range=today&name=checkout_initiated`, true);
    expect(html).toContain("plan");
    expect(html).toContain("pro");
  });

  test("show more asks for more rows", async () => {
    const html = await text(`${f.base}/panels/pages?range=today&limit=1`, true);
    expect(html).toContain("limit=100");
  });
});

describe("filters", () => {
  test("source=facebook narrows cards, panels and lists to Ana's visit", async () => {
    const page = await text(`${f.base}?range=today&source=facebook`);
    expect(page).toMatch(/Visitors<\/div>\s*<div class="kpi-value">1</);
    expect(page).toContain('class="chip"');
    expect(page).toContain(`href="${f.base}?range=today"`); // the chip's remove link
    const pages = await text(`${f.base}/panels/pages?range=today&source=facebook`, true);
    expect(pages).toContain("/pricing");
    expect(pages).not.toContain("/blog/hello");
    const sessions = await text(`${f.base}/sessions?range=today&source=facebook`);
    expect(sessions).toContain("s-ana");
    expect(sessions).not.toContain("s-ben");
  });

  test("page=/pricing keeps the visits that viewed it; filters combine", async () => {
    const sources = await text(`${f.base}/panels/sources?range=today&page=%2Fpricing`, true);
    expect(sources).toContain("Paid Social");
    expect(sources).toContain("Organic Search");
    expect(sources).not.toContain(">Direct<");
    const both = await text(`${f.base}?range=today&page=%2Fpricing&referrer=google.com`);
    expect(both).toMatch(/Visitors<\/div>\s*<div class="kpi-value">1</);
  });

  test("an empty value filters for 'none'; an event filter keeps visits that did it", async () => {
    const none = await text(`${f.base}?range=today&referrer=`);
    expect(none).toMatch(/Visitors<\/div>\s*<div class="kpi-value">1</); // cleo came direct
    const bought = await text(`${f.base}/panels/sources?range=today&event=purchase`, true);
    expect(bought).toContain("Paid Social");
    expect(bought).not.toContain("Organic Search");
  });
});

describe("live", () => {
  test("new events appear after the cursor; nothing new is 204", async () => {
    const first = await text(`${f.base}/live?after=0`, true);
    const cursor = Number(first.match(/id="live-cursor" name="after" value="(\d+)" hx-swap-oob="true"/)![1]);
    expect(cursor).toBeGreaterThan(0);
    expect((await get(`${f.base}/live?after=${cursor}`, true)).status).toBe(204);
    await sendPublic(f, [{ id: eventId(), type: "track", name: "live_check", anonymousId: "anon-ben", sessionId: "s-ben", url: "https://shop.example/" }]);
    await waitFor(f, 9);
    const next = await text(`${f.base}/live?after=${cursor}`, true);
    expect(next).toContain("live_check");
    expect(next).not.toContain("checkout_initiated");
    expect(next).toContain('hx-swap-oob="true"');
  });
});

describe("sessions and contacts", () => {
  test("sessions list and one visit's events in order", async () => {
    const list = await text(`${f.base}/sessions?range=today`);
    for (const s of ["s-ana", "s-ben", "s-cleo"]) expect(list).toContain(`/sessions/${s}`);
    expect(list).toContain("converted");
    const visit = await text(`${f.base}/sessions/s-ana?tz=America%2FNew_York`);
    const order = ["page_view", "checkout_initiated", "purchase"].map((n) => visit.indexOf(`<span class="event-name">${n}</span>`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(visit).toContain("unverified");
    expect((await get(`${f.base}/sessions/nope`)).status).toBe(404);
  });

  test("contacts list and a contact's journey, before and after identify", async () => {
    const list = await text(`${f.base}/contacts?range=today`);
    expect(list).toContain("Cleo");
    const id = list.match(new RegExp(`${f.base}/contacts/(\\d+)`))![1];
    const journey = await text(`${f.base}/contacts/${id}`);
    expect(journey).toContain("cleo@example.com");
    expect(journey.indexOf("/blog/hello")).toBeLessThan(journey.indexOf("journey-marker"));
    expect(journey).toContain("verified");
    expect((await get(`${f.base}/contacts/999999`)).status).toBe(404);
    expect((await get(`${f.base}/contacts/abc`)).status).toBe(404);
  });
});

describe("export", () => {
  test("events, sessions and contacts as CSV, with the range and filters", async () => {
    const res = await get(`${f.base}/export/events.csv?range=today`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="aurea-.*-events-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"$/);
    const csv = await res.text();
    expect(csv.split("\r\n")[0]).toStartWith("time_utc,time_local,event_id,type,name");
    expect(csv).toContain("checkout_initiated");
    const filtered = await (await get(`${f.base}/export/events.csv?range=today&source=facebook`)).text();
    expect(filtered).toContain("checkout_initiated");
    expect(filtered).not.toContain("/blog/hello");
    const sessions = await (await get(`${f.base}/export/sessions.csv?range=today`)).text();
    expect(sessions.trim().split("\r\n")).toHaveLength(4);
    const contacts = await (await get(`${f.base}/export/contacts.csv?range=today`)).text();
    expect(contacts).toContain("cleo@example.com");
    expect((await get(`${f.base}/export/everything.csv`)).status).toBe(404);
  });

  test("sessions and contacts CSV give revenue as a number and a currency, like events.csv", async () => {
    const rows = (csv: string) => {
      const [head, ...lines] = csv.trim().split("\r\n").map((l) => l.split(","));
      return lines.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i]])));
    };
    const sessions = rows(await (await get(`${f.base}/export/sessions.csv?range=today`)).text());
    expect(sessions.find((s) => s.session_id === "s-ana")).toMatchObject({ revenue: "49", currency: "EUR", other_revenue: "" });
    expect(sessions.find((s) => s.session_id === "s-cleo")).toMatchObject({ revenue: "100", currency: "USD" });
    expect(sessions.find((s) => s.session_id === "s-ben")).toMatchObject({ revenue: "", currency: "" });
    const contacts = rows(await (await get(`${f.base}/export/contacts.csv?range=today`)).text());
    expect(contacts.find((c) => c.email === "cleo@example.com")).toMatchObject({ revenue: "100", currency: "USD" });
  });

  test("cells that look like formulas are neutralised", async () => {
    await sendSecret(f, [{ id: eventId(), type: "track", name: "=HYPERLINK(\"http://evil\",\"x\")", anonymousId: "anon-ben", sessionId: "s-ben", props: { note: "+cmd|' /C calc'!A0", at: "@SUM(1)" } }]);
    await waitFor(f, 10);
    const csv = await (await get(`${f.base}/export/events.csv?range=today`)).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});

describe("bad input", () => {
  test.each([
    ["?range=forever", 400, "range:"],
    ["?range=custom&from=2026-02-30&to=2026-03-01", 400, "from:"],
    ["?tz=Mars%2FOlympus", 400, "tz:"],
    ["?metric=bounces", 400, "metric:"],
    ["/panels/sources?dim=browser", 400, "dim:"],
    ["/panels/sources?limit=0", 400, "limit:"],
    ["/panels/nothing", 404, "no panel"],
    ["/panels/event-props", 400, "name:"],
    ["/live?after=-1", 400, "after:"],
    ["/sessions?before=garbage", 400, "before:"],
  ])("%s → %i", async (path, status, message) => {
    const res = await get(f.base + path, true);
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(message);
  });

  test("a whole error page for a browser, and 404 for an unknown funnel", async () => {
    const res = await get(`${f.base}?range=forever`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("<!doctype html>");
    expect((await get("/funnels/fn_missing")).status).toBe(404);
  });
});

describe("late events", () => {
  test("an event from three days ago lands in an already rolled-up day and shows", async () => {
    const ts = Date.now() - 3 * 86_400_000;
    await sendSecret(f, [{ id: eventId(), type: "page_view", url: "https://shop.example/late-arrival", anonymousId: "anon-late", sessionId: "s-late", ts }]);
    await waitFor(f, 11);
    const html = await text(`${f.base}/panels/pages?range=7d&tz=UTC`, true);
    expect(html).toContain("/late-arrival");
  });
});
