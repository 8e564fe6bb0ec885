// What a payment provider's webhook says, once verified and read: the one shape that
// every provider adapter produces and that recording (queue → processing) consumes.
export const PAYMENT_PROVIDERS = ["stripe", "paddle", "lemonsqueezy", "whop", "gumroad"] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];

export interface PaymentFact {
  kind: "order" | "refund";
  provider: PaymentProvider;
  /** The provider's id of this delivery's event (Stripe evt_…, Whop webhook-id …). */
  providerEventId: string;
  /**
   * The order this fact is about, the same value for a purchase and for its refunds
   * across the provider's event types (e.g. Stripe: the invoice id when there is one,
   * else the payment intent), so that each payment counts once however it arrives.
   */
  orderId: string;
  /** Refunds: the provider's refund id, so that each partial refund counts once. */
  refundId?: string;
  /**
   * Integer minor units of `currency`, never negative. For a refund: the amount of this
   * refund, or — when `cumulative` — the total refunded on the order so far.
   */
  amountMinor: number;
  /** Refunds whose amount is the order's running refunded total (Stripe charge.refunded, Lemon Squeezy). */
  cumulative?: boolean;
  /** ISO 4217, upper case. */
  currency: string;
  /** When it was paid or refunded, UTC ms. */
  ts: number;
  email: string | null;
  /** The SDK's checkout reference when the provider sent it back. */
  reference: string | null;
  /** Test-mode / sandbox payments are kept apart and left out of reports unless asked for. */
  test: boolean;
  /** What was bought, when the provider says (shown in the dashboard). */
  product?: string | null;
}
