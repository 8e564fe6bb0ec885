// Checkout links carry the visit: the reference (the server's src/payments/reference.ts
// decodes it) is the visitor and session ids, added to a payment provider's checkout
// link when it is clicked, so the value is the current visit's.

/** The two UUIDs as 64 hex digits; "" without a stable visitor (cookieless) or a session yet. */
export function reference(id: { a: string; s?: { i: string } } | false): string {
  return id && id.s ? (id.a + id.s.i).replace(/-/g, "") : "";
}

/** Adds the reference to a clicked checkout link of Stripe, Lemon Squeezy or Gumroad. */
export function decorate(a: HTMLAnchorElement | null, ref: () => string): void {
  const h = a ? a.host + a.pathname : "";
  const p = /^buy\.stripe\.com\//.test(h) ? "client_reference_id"
    : /\.lemonsqueezy\.com\/checkout/.test(h) ? "checkout[custom][aurea]"
    : /^([^/]+\.)?gumroad\.com\//.test(h) && "aurea";
  const r = p && ref();
  if (r) {
    const q = new URLSearchParams(a!.search);
    q.set(p as string, r);
    a!.search = "" + q;
  }
}
