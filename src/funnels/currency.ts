// A funnel's main currency: the one revenue is shown in (others are listed apart, never
// summed into it). Set by the founder; when not, the revenue report takes the most common
// currency of the orders it shows, else USD (src/analytics/revenue-report.ts).
import type { Database } from "bun:sqlite";
import { InvalidInput } from "../http/errors";

export const DEFAULT_CURRENCY = "USD";

/** The founder's own choice, null when automatic. */
export function currencySetting(sqlite: Database, funnelId: string): string | null {
  return sqlite.query<{ currency: string | null }, [string]>("SELECT currency FROM funnels WHERE id = ?").get(funnelId)?.currency ?? null;
}

/** "" or null goes back to automatic. */
export function setMainCurrency(sqlite: Database, funnelId: string, raw: string | null): void {
  const currency = raw?.trim().toUpperCase() || null;
  if (currency !== null && !isCurrency(currency)) throw new InvalidInput("invalid_currency", `currency: expected an ISO 4217 code such as USD or EUR, got "${raw}"`);
  sqlite.query("UPDATE funnels SET currency = ? WHERE id = ?").run(currency, funnelId);
}

export function isCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    return Intl.supportedValuesOf("currency").includes(code);
  } catch {
    return true;
  }
}
