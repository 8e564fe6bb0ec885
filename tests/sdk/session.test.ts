import { describe, expect, test } from "bun:test";
import { nextSession, SESSION_IDLE_MS } from "../../sdk/src/session";

let n = 0;
const newId = () => `s${++n}`;
const T0 = 1_750_000_000_000;

describe("nextSession", () => {
  test("starts a session when there is none", () => {
    const s = nextSession(undefined, T0, null, newId);
    expect(s.t).toBe(T0);
    expect(s.a).toBeUndefined();
  });

  test("keeps the session while active and moves its last activity", () => {
    const s = nextSession({ i: "a", t: T0 }, T0 + 60_000, null, newId);
    expect(s).toEqual({ i: "a", t: T0 + 60_000 });
  });

  test("29 minutes idle is the same session, 30 is a new one", () => {
    expect(nextSession({ i: "a", t: T0 }, T0 + SESSION_IDLE_MS - 1, null, newId).i).toBe("a");
    expect(nextSession({ i: "a", t: T0 }, T0 + SESSION_IDLE_MS, null, newId).i).not.toBe("a");
  });

  test("a new session after idleness forgets the old campaign", () => {
    const s = nextSession({ i: "a", t: T0, a: { utm_source: "x" } }, T0 + SESSION_IDLE_MS + 1, null, newId);
    expect(s.a).toBeUndefined();
  });

  test("the landing campaign is kept for the whole session", () => {
    const landed = nextSession(undefined, T0, { utm_source: "google", utm_campaign: "spring" }, newId);
    const later = nextSession(landed, T0 + 5_000, null, newId);
    expect(later.i).toBe(landed.i);
    expect(later.a).toEqual({ utm_source: "google", utm_campaign: "spring" });
  });

  test("the same campaign landing again does not rotate", () => {
    const a = { utm_source: "google" };
    const s = nextSession({ i: "a", t: T0, a }, T0 + 1000, { utm_source: "google" }, newId);
    expect(s.i).toBe("a");
  });

  test("a new campaign landing rotates the session, even within 30 minutes", () => {
    const s = nextSession({ i: "a", t: T0, a: { utm_source: "google" } }, T0 + 1000, { utm_source: "newsletter" }, newId);
    expect(s.i).not.toBe("a");
    expect(s.a).toEqual({ utm_source: "newsletter" });
  });

  test("a campaign landing on a direct session rotates it", () => {
    const s = nextSession({ i: "a", t: T0 }, T0 + 1000, { click_id: "gclid-1" }, newId);
    expect(s.i).not.toBe("a");
  });

  test("a stored session with a clock in the future or garbage is replaced", () => {
    expect(nextSession({ i: "a", t: Number.NaN }, T0, null, newId).i).not.toBe("a");
  });
});
