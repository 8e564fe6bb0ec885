// How events make up a visit, whatever store keeps the visits.

export const SESSION_IDLE_MS = 30 * 60 * 1000;

/** Auto-captured events that do not make a visit "engaged" (so it still bounces). */
const PASSIVE_EVENTS = new Set(["scroll_depth", "section_view"]);

/** Time-ordered, so the session index grows at its end instead of at random pages. */
export function newSessionId(): string {
  return `s_${Bun.randomUUIDv7("base64url")}`;
}

export function isEngaging(type: string, name: string): boolean {
  return type !== "page_view" && !PASSIVE_EVENTS.has(name);
}

/**
 * Whether an event is the visitor browsing, so it may stretch the visit. A conversion,
 * identify or custom event from the founder's backend (secret key) often arrives minutes
 * after the visitor left: it joins the visit for attribution, not its duration.
 * Page views sent with the secret key on behalf of a visitor still count as browsing.
 */
export function isBrowsing(type: string, bySecretKey: boolean): boolean {
  return type === "page_view" || !bySecretKey;
}
