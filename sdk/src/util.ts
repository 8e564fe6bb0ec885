// Small helpers shared by the browser modules.
import type { CaptureOptions, Props } from "./types";

export const PREFIX = "[Aurea SDK]";
export const CAPTURES = "pageviews spa forms scroll outbound clicks sections".split(" ") as (keyof CaptureOptions)[];
export const debug = { on: false };

export function log(...args: unknown[]): void {
  if (debug.on) console.log(PREFIX, ...args);
}

/** Appends a script element loading `src`. */
export function load(src: string): HTMLScriptElement {
  const s = document.createElement("script");
  s.src = src;
  return document.head.appendChild(s);
}

/** Wraps a function so that nothing it does can throw into the host page. */
export function safe<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | undefined {
  return (...args) => {
    try {
      return fn(...args);
    } catch (e) {
      log(e);
    }
  };
}

/**
 * UUIDv7 (RFC 9562): 48 bits of milliseconds, then random bits. Time-ordered ids
 * keep the server's indexes growing at their end. getRandomValues works everywhere
 * (crypto.randomUUID only in secure contexts).
 */
export function uuid(): string {
  const t = Date.now().toString(16).padStart(12, "0");
  // 0 and 1 become 4 random bits, 8 becomes the variant 10xx; the 7 (version) stays.
  return `${t.slice(0, 8)}-${t.slice(8)}` + "-7000-8000-100000000000".replace(/[018]/g, (c) =>
    (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (+c / 4)))).toString(16),
  );
}

/** Cut to what the server accepts: no NUL, no lone surrogate (even one made by the cut). */
export function clip(value: unknown, max = 1000): string {
  const s = String(value).replace(/\0/g, "").slice(0, max);
  return s.toWellFormed?.() ?? s;
}

/**
 * Props the schema accepts: at most 50 flat string/number/boolean values, others
 * stringified. (Keys such as "constructor" are left for the server to reject.)
 */
export function flat(input?: Props | null, into: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  for (const k in input) {
    const v = input[k];
    if (v == null || k.length > 64 || Object.keys(into).length >= 50) continue;
    into[k] = typeof v == "boolean" || Number.isFinite(v) ? (v as number | boolean) : clip(v);
  }
  return into;
}
