// Revenue is stored as integer minor units plus an ISO 4217 code.
const digitsCache = new Map<string, number>();

export function currencyDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

export function toMinorUnits(amount: number, currency: string): number {
  return Math.round(amount * 10 ** currencyDigits(currency));
}

export function fromMinorUnits(minor: number, currency: string): number {
  const d = currencyDigits(currency);
  return Number((minor / 10 ** d).toFixed(d));
}

/** {"USD": 4999} (minor) → {"USD": 49.99} (major), for API answers. */
export function revenueMapToMajor(json: string | Record<string, number>): Record<string, number> {
  const map = typeof json === "string" ? (JSON.parse(json) as Record<string, number>) : json;
  const out: Record<string, number> = {};
  for (const [c, v] of Object.entries(map)) out[c] = fromMinorUnits(v, c);
  return out;
}
