// The contacts list walks the most recently seen contacts first and falls back to the
// contacts of the scope's visits: either way, paged to the end, it lists exactly the
// contacts with a visit in the scope, most recently seen first.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import type { Scope } from "../../src/analytics/filters";
import { openStore, type Store } from "../../src/db/open";
import { seedDemo } from "../../src/store/sqlite/demo-seed";
import { createFunnel } from "../../src/funnels/store";
import { browseContacts } from "../../src/store/sqlite/dashboard/contact-browse";
import { PAGE_VIEW_KIND } from "../../src/store/sqlite/dashboard/scope-sql";
import { tempDir } from "../helpers/server";

const NOW = Date.parse("2026-03-31T10:20:00Z");
const DAY = 86_400_000;
let dir: string;
let store: Store;
let funnelId: string;

beforeAll(() => {
  dir = tempDir("aurea-contact-browse-");
  store = openStore(dir);
  funnelId = createFunnel(store.db, { name: "Contacts", url: "https://demo.aurea.dev" }).funnel.id;
  seedDemo(store.sqlite, funnelId, { events: 12_000, days: 20, now: NOW, seed: 5 });
});

afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The contacts of the scope's visits, newest first, from the sessions' own contact column. */
function expected(scope: Scope): number[] {
  const filter = scope.filters[0];
  const filtered = !filter
    ? ""
    : filter.key === "source"
      ? "AND s.source IN (SELECT id FROM sources WHERE utm_source = ?4)"
      : `AND s.key IN (SELECT session FROM events WHERE kind = ${PAGE_VIEW_KIND} AND path = (SELECT id FROM strings WHERE value = ?4))`;
  return store.sqlite
    .query<{ id: number }, (string | number)[]>(
      `SELECT c.id FROM contacts c WHERE c.funnel_id = ?1 AND c.id IN (
         SELECT s.contact_id FROM sessions s WHERE s.funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?1) AND s.started_at >= ?2 AND s.started_at < ?3
         ${filtered})
       ORDER BY c.last_seen DESC, c.id DESC`,
    )
    .all(funnelId, scope.from, scope.to, ...(filter ? [filter.value] : []))
    .map((r) => r.id);
}

function listed(scope: Scope, limit: number, candidates?: number): number[] {
  const ids: number[] = [];
  let before: { lastSeen: number; id: number } | null = null;
  for (;;) {
    const page = browseContacts(store.sqlite, scope, limit, before, candidates);
    ids.push(...page.contacts.map((c) => c.id));
    if (!page.next) return ids;
    const [lastSeen, id] = page.next.split(".").map(Number);
    before = { lastSeen, id };
  }
}

const SCOPES: [string, Omit<Scope, "funnelId">][] = [
  ["the last 7 days", { from: NOW - 7 * DAY, to: NOW, filters: [] }],
  ["days 15 to 10 ago (contacts seen since)", { from: NOW - 15 * DAY, to: NOW - 10 * DAY, filters: [] }],
  ["the last 20 days from one source", { from: NOW - 20 * DAY, to: NOW, filters: [{ key: "source", value: "facebook" }] }],
  ["the last 10 days, visits that viewed a page", { from: NOW - 10 * DAY, to: NOW, filters: [{ key: "page", value: "/pricing" }] }],
];

describe.each(SCOPES)("%s", (_name, range) => {
  const scope = () => ({ funnelId, ...range }) as Scope;

  test("has contacts to list", () => {
    expect(expected(scope()).length).toBeGreaterThan(30);
  });

  // 5,000 (the server's): the recent walk answers; 40 and 3: it gives up on most pages.
  test.each([undefined, 40, 3])("paged by 7 with %p candidates: exactly the contacts of the scope's visits", (candidates) => {
    expect(listed(scope(), 7, candidates)).toEqual(expected(scope()));
  });
});
