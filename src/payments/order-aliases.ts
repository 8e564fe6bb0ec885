// Other ids a provider uses for one order (Stripe names a subscription invoice's payment by
// its payment intent when refunding it). Owns payment_order_aliases.
import type { Database } from "bun:sqlite";
import type { PaymentProvider } from "./payment";

export interface OrderAlias {
  alias: string;
  orderId: string;
}

export function rememberAliases(sqlite: Database, funnelId: string, provider: PaymentProvider, aliases: OrderAlias[], now: number): void {
  const insert = sqlite.query(
    "INSERT OR IGNORE INTO payment_order_aliases (funnel_id, provider, alias, order_id, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  sqlite.transaction(() => {
    for (const a of aliases) if (a.alias !== a.orderId) insert.run(funnelId, provider, a.alias, a.orderId, now);
  })();
}

export function orderForAlias(sqlite: Database, funnelId: string, provider: PaymentProvider, alias: string): string | null {
  const row = sqlite
    .query<{ order_id: string }, [string, string, string]>("SELECT order_id FROM payment_order_aliases WHERE funnel_id = ? AND provider = ? AND alias = ?")
    .get(funnelId, provider, alias);
  return row?.order_id ?? null;
}
