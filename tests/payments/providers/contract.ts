// Running an adapter on one delivery, as the route does, for the contract tests.
import type { WebhookInput } from "../../../src/payments/providers/adapter";
import { ADAPTERS } from "../../../src/payments/providers/index";
import type { PaymentProvider } from "../../../src/payments/payment";

export function input(body: string, headers: Record<string, string>, over: Partial<WebhookInput> = {}): WebhookInput {
  return { headers: new Headers(headers), body, secret: null, tokenHash: null, urlToken: null, now: Date.now(), testMode: false, ...over };
}

/** verify + read, as the route runs them. */
export function deliver(provider: PaymentProvider, i: WebhookInput) {
  const adapter = ADAPTERS[provider];
  adapter.verify(i);
  return adapter.read(i);
}
