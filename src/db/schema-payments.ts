// Payment providers connected to a funnel, and what their webhooks delivered lately.
// Part of the schema (re-exported by schema.ts); SQL for these tables lives in
// src/payments/connections.ts and src/payments/deliveries.ts.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** One per funnel and provider: how to verify that provider's webhooks for that funnel. */
export const paymentConnections = sqliteTable(
  "payment_connections",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    funnelId: text("funnel_id").notNull(),
    /** stripe | paddle | lemonsqueezy | whop | gumroad */
    provider: text("provider").notNull(),
    /** The provider's signing secret; kept readable because every webhook is verified with it. Null for Gumroad. */
    secret: text("secret"),
    /** Gumroad: SHA-256 of the random token in its webhook URL (the token is shown once). */
    tokenHash: text("token_hash"),
    /** Every payment through this connection is a test payment (e.g. a Paddle sandbox account). */
    testMode: integer("test_mode", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("payment_connections_funnel_provider").on(t.funnelId, t.provider)],
);

/** The last deliveries per connection (capped), so a founder can see that webhooks arrive. */
export const paymentDeliveries = sqliteTable(
  "payment_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    connectionId: integer("connection_id")
      .notNull()
      .references(() => paymentConnections.id, { onDelete: "cascade" }),
    at: integer("at").notNull(),
    /** verified | bad_signature | ignored | duplicate | error */
    outcome: text("outcome").notNull(),
    eventType: text("event_type"),
    providerEventId: text("provider_event_id"),
    message: text("message").notNull().default(""),
  },
  (t) => [
    index("payment_deliveries_connection").on(t.connectionId, t.id),
    index("payment_deliveries_event").on(t.connectionId, t.providerEventId),
  ],
);

/**
 * Other ids a provider uses for an order (Stripe: an invoice's payment intent), so that a
 * refund naming one of them joins the order it refunds. Written as webhooks reveal them.
 */
export const paymentOrderAliases = sqliteTable(
  "payment_order_aliases",
  {
    funnelId: text("funnel_id").notNull(),
    provider: text("provider").notNull(),
    alias: text("alias").notNull(),
    orderId: text("order_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.funnelId, t.provider, t.alias] })],
);
