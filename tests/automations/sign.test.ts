import { describe, expect, test } from "bun:test";
import { Webhook } from "standardwebhooks";
import { newWebhookSecret, secretHint, signWebhook, webhookHeaders } from "../../src/automations/sign";

describe("Standard Webhooks signing", () => {
  test("secrets are whsec_ + base64 of 32 random bytes, all different", () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(a.slice(6), "base64").length).toBe(32);
    expect(newWebhookSecret()).not.toBe(a);
    expect(secretHint(a)).toBe(`${a.slice(0, 10)}…`);
  });

  test("the standardwebhooks library verifies our signature", () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: "aurea.event", data: { name: "purchase", note: "héllo ✓" } });
    const ts = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders(secret, "msg_abc", ts, body);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verified = new Webhook(secret).verify(body, headers) as { data: { note: string } };
    expect(verified.data.note).toBe("héllo ✓");
  });

  test("the library's own signature equals ours", () => {
    const secret = newWebhookSecret();
    const at = new Date(1_760_000_000_000);
    expect(signWebhook(secret, "msg_1", 1_760_000_000, "{}")).toBe(new Webhook(secret).sign("msg_1", at, "{}"));
  });

  test("a changed body, id or secret does not verify", () => {
    const secret = newWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders(secret, "msg_abc", ts, '{"a":1}');
    expect(() => new Webhook(secret).verify('{"a":2}', headers)).toThrow();
    expect(() => new Webhook(secret).verify('{"a":1}', { ...headers, "webhook-id": "msg_other" })).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify('{"a":1}', headers)).toThrow();
  });

  test("an old timestamp is rejected by receivers (so each retry is signed afresh)", () => {
    const secret = newWebhookSecret();
    const old = Math.floor(Date.now() / 1000) - 3600;
    expect(() => new Webhook(secret).verify("{}", webhookHeaders(secret, "msg_1", old, "{}"))).toThrow(/timestamp/i);
  });
});
