// Session rotation: a visit ends after 30 minutes idle, or when a new campaign lands.
import type { Attribution } from "./attribution";

export const SESSION_IDLE_MS = 30 * 60 * 1000;

export interface Session {
  /** id */
  i: string;
  /** last activity, ms */
  t: number;
  /** landing attribution, kept for the whole session */
  a?: Attribution;
}

export function nextSession(prev: Session | null | undefined, now: number, landing: Attribution | null | false | undefined, newId: () => string): Session {
  const stale = !prev || !(now - prev.t < SESSION_IDLE_MS) || (landing && JSON.stringify(landing) != JSON.stringify(prev.a));
  return stale ? { i: newId(), t: now, a: landing || undefined } : { ...prev!, t: now };
}
