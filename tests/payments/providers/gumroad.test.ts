// Gumroad: an unsigned, form-encoded Ping; the random token in the URL is the secret.
import { describe, expect, test } from "bun:test";
import { SignatureError, sha256Hex } from "../../../src/payments/providers/adapter";
import { deliver, input } from "./contract";

const TOKEN = "k3Zr5u6Vw7Xy8Zab9CdEfGhIjKlMnOpQ";
const sale = {
  seller_id: "s1", product_id: "p1", product_name: "E-book", permalink: "ebook", sale_id: "sale_abc==", order_number: "5246",
  sale_timestamp: "2026-11-30T10:00:00Z", email: "ana@example.com", price: "1500", currency: "usd", quantity: "1",
  refunded: "false", test: "false", "url_params[aurea]": "v1_gumRef", "url_params[utm_source]": "newsletter",
};
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const ping = (fields: Record<string, string>, token = TOKEN) =>
  input(form(fields), { "content-type": "application/x-www-form-urlencoded" }, { tokenHash: sha256Hex(TOKEN), urlToken: token });

describe("Gumroad", () => {
  test("the URL token must be the connection's", () => {
    expect(() => deliver("gumroad", ping(sale))).not.toThrow();
    expect(() => deliver("gumroad", ping(sale, "wrong"))).toThrow(SignatureError);
    expect(() => deliver("gumroad", ping(sale, ""))).toThrow(SignatureError);
  });

  test("a sale: price in cents, reference from url_params[aurea], test flag", () => {
    const r = deliver("gumroad", ping(sale));
    expect(r.facts[0]).toMatchObject({ kind: "order", orderId: "sale_abc==", amountMinor: 1500, currency: "USD", email: "ana@example.com", reference: "v1_gumRef", product: "E-book", test: false, ts: Date.parse("2026-11-30T10:00:00Z") });
    expect(deliver("gumroad", ping({ ...sale, test: "true" })).facts[0].test).toBe(true);
  });

  test("refunded=true: a refund of the sale, not a second sale", () => {
    const r = deliver("gumroad", ping({ ...sale, refunded: "true" }));
    expect(r.type).toBe("refund");
    expect(r.facts[0]).toMatchObject({ kind: "refund", orderId: "sale_abc==", amountMinor: 1500, cumulative: true });
    expect(r.eventId).not.toBe(deliver("gumroad", ping(sale)).eventId);
  });

  test("pings without a sale are ignored", () => {
    expect(deliver("gumroad", ping({ resource_name: "cancellation", subscription_id: "sub1" })).facts).toEqual([]);
  });
});
