// Number and time formats of the steps pages.

/** 0.4567 → "45.7%". */
export function pct(ratio: number): string {
  const v = ratio * 100;
  return `${v >= 10 || v === 0 ? Math.round(v * 10) / 10 : Math.round(v * 100) / 100}%`;
}

/** Seconds → "45s", "3m 20s", "2h 5m", "3d 4h"; null → "—". */
export function duration(seconds: number | null): string {
  if (seconds === null) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ""}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ""}`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) ? ` ${Math.floor((s % 86400) / 3600)}h` : ""}`;
}

/** Change against the previous period, in percentage points for rates. */
export function deltaPoints(now: number, before: number): { text: string; tone: "good" | "bad" | "neutral" } {
  const d = Math.round((now - before) * 1000) / 10;
  if (d === 0) return { text: "±0 pts", tone: "neutral" };
  return { text: `${d > 0 ? "+" : "−"}${Math.abs(d)} pts`, tone: d > 0 ? "good" : "bad" };
}

export function deltaCount(now: number, before: number): { text: string; tone: "good" | "bad" | "neutral" } {
  if (before === 0) return now === 0 ? { text: "±0", tone: "neutral" } : { text: "new", tone: "good" };
  const d = Math.round(((now - before) / before) * 1000) / 10;
  if (d === 0) return { text: "±0%", tone: "neutral" };
  return { text: `${d > 0 ? "+" : "−"}${Math.abs(d)}%`, tone: d > 0 ? "good" : "bad" };
}
