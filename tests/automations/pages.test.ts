// The automation pages through a real server, as a signed-in owner (and a viewer).
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { Webhook } from "standardwebhooks";
import { parseSteps, saveSteps } from "../../src/funnels/steps-definition";
import { createUser } from "../../src/web/auth/users";
import type { TestFunnel, TestServer } from "../helpers/server";
import { client, signedInOwner, type Browserish } from "../web/client";
import { Receiver, eventually } from "./receiver";
import { createTestFunnel, startHookServer, track } from "./setup";
import { grantFunnels } from "../../src/web/auth/funnel-access";

setDefaultTimeout(120_000);

let server: TestServer;
let receiver: Receiver;
let owner: Browserish;

beforeAll(async () => {
  server = await startHookServer();
  receiver = await Receiver.start();
  owner = await signedInOwner(server);
});
afterAll(async () => {
  await server.stop();
  receiver.stop();
});

const base = (f: TestFunnel) => `/funnels/${f.id}/automations`;

function form(over: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    _csrf: owner.csrf,
    name: "Purchases",
    trigger_type: "event",
    event_name: "purchase",
    cond_field: ["props.plan", ""],
    cond_op: ["eq", "eq"],
    cond_value: ["pro", ""],
    url: `${receiver.url}/pages`,
    headers: "X-Token: abc",
    cooldown: "",
    ...over,
  };
}

async function createViaForm(funnel: TestFunnel, over: Record<string, string | string[]> = {}): Promise<{ id: string; secret: string; page: string }> {
  await owner.load(`${base(funnel)}/new`);
  const res = await owner.post(base(funnel), form(over));
  const page = await res.text();
  if (res.status !== 201) throw new Error(`create: ${res.status} ${page.slice(0, 500)}`);
  const secret = page.match(/<code id="rule-secret"[^>]*>(whsec_[^<]+)<\/code>/)![1];
  const id = page.match(/automations\/(au_[A-Za-z0-9_-]+)\/edit/)![1];
  return { id, secret, page };
}

describe("automation pages", () => {
  test("empty list explains what an automation is", async () => {
    const funnel = createTestFunnel(server);
    const page = await owner.load(base(funnel));
    expect(page).toContain("No automations yet");
    expect(page).toContain(`href="${base(funnel)}/new"`);
  });

  test("create from the form: secret shown once, rule listed, hostile text escaped", async () => {
    const funnel = createTestFunnel(server);
    const { id, secret, page } = await createViaForm(funnel, { name: `<img src=x onerror=alert(1)>` });
    expect(secret).toMatch(/^whsec_/);
    expect(page).toContain("shown only this once");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(page).not.toContain("<img src=x");
    const list = await owner.load(base(funnel));
    expect(list).toContain(`${base(funnel)}/${id}`);
    expect(list).toContain("event purchase");
    expect(list).not.toContain(secret);
    const detail = await owner.load(`${base(funnel)}/${id}`);
    expect(detail).not.toContain(secret);
    expect(detail).toContain(secret.slice(0, 10));
    expect(detail).toContain("props.plan is &quot;pro&quot;");
  });

  test("bad input re-renders the form with 422 and the reason, keeping what was typed", async () => {
    const funnel = createTestFunnel(server);
    await owner.load(`${base(funnel)}/new`);
    let res = await owner.post(base(funnel), form({ event_name: "", name: "Keep me" }));
    expect(res.status).toBe(422);
    let page = await res.text();
    expect(page).toContain("Event name: must not be empty");
    expect(page).toContain('value="Keep me"');
    res = await owner.post(base(funnel), form({ headers: "no colon here" }));
    expect(await res.text()).toContain("Headers, line 1");
    res = await owner.post(base(funnel), form({ cooldown: "soon" }));
    expect(await res.text()).toContain("Cooldown: &quot;soon&quot; is not a duration");
    res = await owner.post(base(funnel), form({ cond_field: ["ip", ""] }));
    expect(await res.text()).toContain("Condition 1, field");
    expect((await owner.load(base(funnel)))).toContain("No automations yet");
  });

  test("the trigger type swaps its fields (htmx partial), with the funnel's steps", async () => {
    const funnel = createTestFunnel(server);
    const def = parseSteps({ steps: [{ name: "Landing", page: "/" }, { name: "Checkout", page: "/checkout" }, { name: "Paid", event: "purchase" }] });
    if (!def.ok) throw new Error("steps");
    saveSteps(server.ctx.store.db, funnel.id, def.value);
    const res = await owner.get(`${base(funnel)}/trigger-fields?trigger_type=abandoned`, { "hx-request": "true" });
    const html = await res.text();
    expect(html).toContain('<option value="2">2. Checkout</option>');
    expect(html).not.toContain("3. Paid"); // nothing to abandon after the last step
    expect(html).toContain('name="after"');
    const created = await createViaForm(funnel, { trigger_type: "abandoned", step: "2", after: "1h", name: "Cart" });
    const list = await owner.load(base(funnel));
    expect(list).toContain("step 2 (Checkout) reached, not step 3 (Paid) within 1h");
    const edit = await owner.load(`${base(funnel)}/${created.id}/edit`);
    expect(edit).toContain('<option value="abandoned" selected>');
    expect(edit).toContain('value="1h"');
  });

  test("edit, pause, resume, send a test delivery, resend, delete", async () => {
    const funnel = createTestFunnel(server);
    const { id, secret } = await createViaForm(funnel, { url: `${receiver.url}/flow` });
    const rule = `${base(funnel)}/${id}`;
    await owner.load(`${rule}/edit`);
    let res = await owner.post(rule, form({ name: "Renamed", url: `${receiver.url}/flow`, cooldown: "1h" }));
    expect(res.status).toBe(303);
    let page = await owner.load(rule);
    expect(page).toContain("Renamed");
    expect(page).toContain("1h per visitor");

    expect((await owner.post(`${rule}/pause`, { _csrf: owner.csrf })).status).toBe(303);
    page = await owner.load(rule);
    expect(page).toContain("Paused: nothing fires");
    await track(server, funnel, [{ type: "track", name: "purchase", anonymousId: "v", props: { plan: "pro" } }]);
    await Bun.sleep(400);
    expect(receiver.requests.filter((r) => r.path === "/flow").length).toBe(0);

    // A test delivery works on a paused rule; htmx gets the refreshed log back.
    res = await owner.post(`${rule}/test`, { _csrf: owner.csrf }, { "hx-request": "true" });
    expect(res.status).toBe(200);
    const partial = await res.text();
    expect(partial).toContain('id="delivery-log"');
    expect(partial).toContain("every 2s"); // it polls while pending
    const [req] = await eventually(() => {
      const got = receiver.requests.filter((r) => r.path === "/flow");
      return got.length === 1 && got;
    }, 5000, "test delivery");
    expect((new Webhook(secret).verify(req.body, req.headers) as any).type).toBe("aurea.test");
    await eventually(async () => (await (await owner.get(`${rule}/deliveries`)).text()).includes("delivered"), 5000, "logged");
    const log = await (await owner.get(`${rule}/deliveries`)).text();
    expect(log).not.toContain("every 2s");
    const deliveryId = log.match(/deliveries\/(msg_[A-Za-z0-9_-]+)\/resend/)![1];

    expect((await owner.post(`${rule}/deliveries/${deliveryId}/resend`, { _csrf: owner.csrf })).status).toBe(303);
    await eventually(() => receiver.requests.filter((r) => r.path === "/flow").length === 2, 5000, "resent");

    expect((await owner.post(`${rule}/resume`, { _csrf: owner.csrf })).status).toBe(303);
    expect((await owner.post(`${rule}/delete`, { _csrf: owner.csrf })).status).toBe(303);
    expect((await owner.get(rule)).status).toBe(404);
  });

  test("failed deliveries show on the list and in the funnel's badge partial", async () => {
    const funnel = createTestFunnel(server);
    receiver.respond = (r) => (r.path === "/gone" ? new Response("gone", { status: 410 }) : new Response("ok"));
    try {
      const { id } = await createViaForm(funnel, { url: `${receiver.url}/gone` });
      expect(await (await owner.get(`${base(funnel)}/failed-badge`)).text()).toBe("");
      await owner.post(`${base(funnel)}/${id}/test`, { _csrf: owner.csrf });
      const badge = await eventually(async () => {
        const t = await (await owner.get(`${base(funnel)}/failed-badge`, { "hx-request": "true" })).text();
        return t.includes("failed") && t;
      }, 5000, "badge");
      expect(badge).toContain("1 failed webhook delivery");
      expect(badge).toContain(`href="${base(funnel)}"`);
      const list = await owner.load(base(funnel));
      expect(list).toContain("1 delivery failed");
      const detail = await owner.load(`${base(funnel)}/${id}`);
      expect(detail).toContain("HTTP 410");
      expect(detail).toContain(">gone</code>");
    } finally {
      receiver.respond = () => new Response("ok");
    }
  });

  test("viewers see the rules but cannot change them; CSRF is required", async () => {
    const funnel = createTestFunnel(server);
    const { id } = await createViaForm(funnel);
    grantFunnels(server.ctx.store.db, (await createUser(server.ctx.store.db, { email: "viewer@example.com", password: "viewer password 1", role: "viewer" })).id, [funnel.id], Date.now());
    const v = client(server);
    await v.post("/login", { email: "viewer@example.com", password: "viewer password 1" });
    const page = await v.load(`${base(funnel)}/${id}`);
    expect(page).toContain("Purchases");
    expect(page).not.toContain("Send a test delivery");
    expect(page).not.toContain(`${id}/edit`);
    expect((await v.get(`${base(funnel)}/new`)).status).toBe(403);
    expect((await v.post(`${base(funnel)}/${id}/pause`, { _csrf: v.csrf })).status).toBe(403);
    expect((await owner.post(`${base(funnel)}/${id}/pause`, { _csrf: "wrong" })).status).toBe(403);
    expect((await client(server).get(base(funnel))).status).toBe(303);
  });
});
