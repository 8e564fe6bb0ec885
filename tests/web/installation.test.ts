// Installing the script tag: the full public key everywhere it is needed, a new
// public key for funnels that only have its hash, install diagnostics.
import { afterEach, beforeEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { createTestFunnel, eventId, sendEvents, startTestServer, type TestServer } from "../helpers/server";
import { signedInOwner, type Browserish } from "./client";

setDefaultTimeout(30_000);

let server: TestServer;
let owner: Browserish;
beforeEach(async () => {
  server = await startTestServer();
  owner = await signedInOwner(server);
});
afterEach(async () => {
  await server.stop();
});

const unescape = (s: string) => s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&");
/** The text the Copy button of `#id` copies (app.js copies the element's text). */
const copied = (page: string, id: string) => unescape(page.match(new RegExp(`<code id="${id}"[^>]*>([^<]*)</code>`))![1]);
const pageView = (f: { id: string }, key: string) =>
  sendEvents(server, { funnelId: f.id, key, events: [{ id: eventId(), type: "page_view", url: "https://shop.example/" }] }, { origin: "https://shop.example" });

describe("the public key in full", () => {
  test("the empty state and Settings → Installation show (and copy) the full script tag", async () => {
    const f = createTestFunnel(server);
    const tag = `<script defer src="${server.url}/sdk.js" data-funnel-id="${f.id}" data-key="${f.publicKey}"></script>`;
    const overview = await owner.load(`/funnels/${f.id}`);
    expect(overview).toContain("No events yet");
    expect(copied(overview, "install-snippet")).toBe(tag);
    const settings = await owner.load(`/funnels/${f.id}/settings`);
    expect(copied(settings, "install-snippet")).toBe(tag);
    expect(copied(settings, "key-public")).toBe(f.publicKey);
    expect(settings).not.toContain(f.secretKey);
    expect((await pageView(f, f.publicKey)).status).toBe(202);
  });

  test("a funnel with only the hash of its public key: a clear offer of a new public key; the secret key keeps working", async () => {
    const f = createTestFunnel(server);
    server.ctx.store.sqlite.run("UPDATE funnels SET public_key = NULL WHERE id = ?", [f.id]);
    for (const path of [`/funnels/${f.id}`, `/funnels/${f.id}/settings`]) {
      const text = await owner.load(path);
      expect(text).toContain("New public key");
      expect(text).toContain("The current public key stops working at once");
      expect(text).not.toContain('id="install-snippet"');
      expect(text).not.toContain(f.publicKey);
    }
    const res = await owner.post(`/funnels/${f.id}/rotate-public-key`, { _csrf: owner.csrf, back: "overview" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/funnels/${f.id}`);
    const overview = await owner.load(`/funnels/${f.id}`);
    const publicKey = copied(overview, "install-snippet").match(/data-key="(pk_[\w-]+)"/)![1];
    expect(publicKey).not.toBe(f.publicKey);
    // Ingest sees the new key at once (the key cache reloads on the change stamp); the old one is refused.
    const deadline = Date.now() + 10_000;
    while ((await pageView(f, publicKey)).status !== 202 && Date.now() < deadline) await Bun.sleep(50);
    expect((await pageView(f, publicKey)).status).toBe(202);
    expect((await pageView(f, f.publicKey)).status).toBe(401);
    const secret = await sendEvents(server, { funnelId: f.id, events: [{ id: eventId(), type: "conversion", name: "purchase" }] }, { authorization: `Bearer ${f.secretKey}` });
    expect(secret.status).toBe(202);
  });

  test("a new public key needs the CSRF token", async () => {
    const f = createTestFunnel(server);
    const res = await owner.post(`/funnels/${f.id}/rotate-public-key`, { _csrf: "wrong" });
    expect(res.status).toBe(403);
  });
});
