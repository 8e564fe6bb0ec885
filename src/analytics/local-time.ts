// Fast local wall-clock formatting for many instants in one range (exports, lists):
// offsets are looked up once per DST segment instead of asking Intl for every row.
import { offsetSegments } from "./timezone";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** "2026-03-29 14:05:09" in `tz`, for instants around [from, to). */
export function localTimeFormatter(from: number, to: number, tz: string): (ms: number) => string {
  const segments = offsetSegments(from, to, tz);
  return (ms) => {
    const seg = segments.find((s) => ms < s.until) ?? segments[segments.length - 1];
    const d = new Date(ms + seg.offset);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  };
}
