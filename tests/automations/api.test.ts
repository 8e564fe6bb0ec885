import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { saveSteps, parseSteps } from "../../src/funnels/steps-definition";
import { startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { api, createTestFunnel } from "./setup";

let server: TestServer;
let funnel: TestFunnel;
const hook = { type: "webhook", url: "https://93.184.216.34/hooks/aurea", headers: { Authorization: "Bearer n8n" } };

beforeAll(async () => {
  server = await startTestServer(); // private webhooks NOT allowed here
  funnel = createTestFunnel(server);
});
afterAll(() => server.stop());

describe("automations API", () => {
  test("create → 201 with the whsec_ secret once; list and get hide it", async () => {
    const created = await api(server, funnel, "POST", "", {
      name: "Pro purchases",
      trigger: { type: "event", name: "purchase" },
      conditions: [{ field: "props.plan", op: "eq", value: "pro" }],
      action: hook,
      cooldown: "1h",
    });
    expect(created.status).toBe(201);
    expect(created.json.id).toMatch(/^au_/);
    expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{40,}={0,2}$/);

    const list = await api(server, funnel, "GET", "");
    expect(list.status).toBe(200);
    const rule = list.json.automations.find((r: any) => r.id === created.json.id);
    expect(rule).toMatchObject({ name: "Pro purchases", paused: false, cooldownSeconds: 3600, action: hook });
    expect(JSON.stringify(list.json)).not.toContain(created.json.secret);
    expect(rule.secretHint).toBe(`${created.json.secret.slice(0, 10)}…`);

    const one = await api(server, funnel, "GET", `/${created.json.id}`);
    expect(one.json.trigger).toEqual({ type: "event", name: "purchase" });
  });

  test("PATCH pauses and edits; DELETE removes", async () => {
    const { json } = await api(server, funnel, "POST", "", { name: "x", trigger: { type: "contact_created" }, action: hook });
    const paused = await api(server, funnel, "PATCH", `/${json.id}`, { paused: true });
    expect(paused.status).toBe(200);
    expect(paused.json.paused).toBe(true);
    const renamed = await api(server, funnel, "PATCH", `/${json.id}`, { name: "renamed", conditions: [{ field: "country", op: "eq", value: "FR" }] });
    expect(renamed.json).toMatchObject({ name: "renamed", paused: true, conditions: [{ field: "country", op: "eq", value: "FR" }] });
    expect((await api(server, funnel, "DELETE", `/${json.id}`)).status).toBe(204);
    expect((await api(server, funnel, "GET", `/${json.id}`)).status).toBe(404);
    expect((await api(server, funnel, "DELETE", `/${json.id}`)).status).toBe(404);
  });

  test("bad input: 400 naming what and where, nothing saved", async () => {
    const before = (await api(server, funnel, "GET", "")).json.automations.length;
    const cases: [unknown, string][] = [
      [{ name: "x", trigger: { type: "event" }, action: hook }, "trigger.name"],
      [{ name: "x", trigger: { type: "step_reached", step: 0 }, action: hook }, "trigger.step: must be at least 1"],
      [{ name: "x", trigger: { type: "event", name: "a" }, action: { type: "webhook", url: "ftp://x.example/" } }, "action.url: only http:// and https://"],
      [{ name: "x", trigger: { type: "event", name: "a" }, action: hook, conditions: [{ field: "props.plan", op: "like", value: "p" }] }, "conditions[0].op"],
      ["{not json", "not valid JSON"],
    ];
    for (const [body, message] of cases) {
      const r = await api(server, funnel, "POST", "", body);
      expect(r.status).toBe(400);
      expect(r.json.error.message).toContain(message);
    }
    expect((await api(server, funnel, "GET", "")).json.automations.length).toBe(before);
  });

  test("SSRF: private and metadata targets are refused at save time, naming the reason", async () => {
    const cases: [string, string][] = [
      ["http://127.0.0.1:5678/webhook", "loopback"],
      ["http://localhost:5678/webhook", "loopback"],
      ["http://10.0.0.8/hook", "private"],
      ["http://192.168.1.20/hook", "private"],
      ["http://172.20.0.1/hook", "private"],
      ["http://169.254.169.254/latest/meta-data/", "link-local"],
      ["http://[::1]/hook", "loopback"],
      ["http://[fd00::1]/hook", "unique local"],
      ["http://0.0.0.0/hook", "unspecified"],
    ];
    for (const [url, reason] of cases) {
      const r = await api(server, funnel, "POST", "", { name: "x", trigger: { type: "contact_created" }, action: { type: "webhook", url } });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe("unsafe_url");
      expect(r.json.error.message).toContain(reason);
      expect(r.json.error.message).toContain("--allow-private-webhooks");
    }
    const { json } = await api(server, funnel, "POST", "", { name: "x", trigger: { type: "contact_created" }, action: hook });
    const patched = await api(server, funnel, "PATCH", `/${json.id}`, { action: { type: "webhook", url: "http://127.0.0.1/x" } });
    expect(patched.status).toBe(400);
  });

  test("step triggers need the funnel's steps, and a real step", async () => {
    const stepRule = { name: "x", trigger: { type: "abandoned", step: 2, after: "1h" }, action: hook };
    const none = await api(server, funnel, "POST", "", stepRule);
    expect(none.status).toBe(400);
    expect(none.json.error.message).toContain("no steps defined");
    const def = parseSteps({ steps: [{ name: "Landing", page: "/" }, { name: "Checkout", page: "/checkout" }] });
    if (!def.ok) throw new Error("steps");
    saveSteps(server.ctx.store.db, funnel.id, def.value);
    const last = await api(server, funnel, "POST", "", stepRule);
    expect(last.json.error.message).toContain("step 2 is the last step");
    expect((await api(server, funnel, "POST", "", { ...stepRule, trigger: { type: "step_reached", step: 3 } })).json.error.message).toContain("no step 3");
    expect((await api(server, funnel, "POST", "", { ...stepRule, trigger: { type: "abandoned", step: 1, after: "1h" } })).status).toBe(201);
  });

  test("the secret key is required; the public key and other funnels' keys are refused", async () => {
    const noKey = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/automations`);
    expect(noKey.status).toBe(401);
    const pub = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/automations`, { headers: { authorization: `Bearer ${funnel.publicKey}` } });
    expect(pub.status).toBe(401);
    const other = createTestFunnel(server);
    const cross = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/automations`, { headers: { authorization: `Bearer ${other.secretKey}` } });
    expect(cross.status).toBe(401);
  });

  test("rules are per funnel: another funnel's rule id is 404", async () => {
    const other = createTestFunnel(server);
    const { json } = await api(server, funnel, "POST", "", { name: "x", trigger: { type: "contact_created" }, action: hook });
    expect((await api(server, other, "GET", `/${json.id}`)).status).toBe(404);
    expect((await api(server, other, "DELETE", `/${json.id}`)).status).toBe(404);
  });

  test("rotate-secret issues a new whsec_ secret", async () => {
    const { json } = await api(server, funnel, "POST", "", { name: "x", trigger: { type: "contact_created" }, action: hook });
    const r = await api(server, funnel, "POST", `/${json.id}/rotate-secret`);
    expect(r.status).toBe(200);
    expect(r.json.secret).toMatch(/^whsec_/);
    expect(r.json.secret).not.toBe(json.secret);
  });
});
