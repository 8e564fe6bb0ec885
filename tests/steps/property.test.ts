// Property: on random event histories, the SQL-backed report equals the brute-force reference.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openStore } from "../../src/db/open";
import { stepsReport } from "../../src/analytics/steps-report";
import { fromMinorUnits } from "../../src/pipeline/money";
import { def, MIN, rng } from "./journey-helpers";
import { refReport, refSteps, type RefEvent } from "./reference";
import { insertEvent } from "../helpers/layout-rows";
import { tempDir } from "../helpers/server";

const dir = tempDir("aurea-steps-prop-");
const store = openStore(dir);
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});


const DEFS = [
  { window: "1h", steps: [{ name: "Landing", page: "/" }, { name: "Pricing", page: "/pricing*" }, { name: "Checkout", event: "checkout_initiated" }, { name: "Purchase", event: "purchase", where: { plan: "pro" } }] },
  { window: "30m", order: "strict", steps: [{ name: "Landing", page: "/" }, { name: "Pricing", page: "/pricing*" }, { name: "Checkout", event: "checkout_*" }, { name: "Paid", event: "$conversion" }] },
  { window: "2h", order: "strict", steps: [{ name: "Home", page: "/" }, { name: "Blog", page: "/blog/*" }, { name: "Home again", page: "/" }] },
  { window: "45m", steps: [{ name: "Any pricing", page: "/pricing*" }, { name: "Team", page: "/pricing/team" }, { name: "Form", event: "form_submit" }, { name: "Buy", event: "purchase" }] },
  { window: "20m", order: "strict", steps: [{ name: "Pricing", page: "/pricing" }, { name: "Form", event: "form_submit" }, { name: "Pro", event: "purchase", where: { plan: "pro", seats: 2 } }] },
];
const PATHS = ["/", "/", "/pricing", "/pricing/", "/pricing/team", "/about", "/blog/a", "/blog/b/c", "/checkout"];
const TRACKS = ["checkout_initiated", "checkout_started", "scroll_depth", "section_view", "form_submit", "video"];
const CHANNELS = ["direct", "organic", "paid", null];


function history(seed: number, funnelId: string): RefEvent[] {
  const r = rng(seed);
  const base = Date.UTC(2026, 2, 1);
  const anons = Array.from({ length: 1 + r.int(25) }, (_, i) => `anon${i}`);
  // Some anonymous ids belong to a contact, sometimes two ids to the same one (as after identify's back-fill).
  const contactOf = new Map(anons.map((a) => [a, r.next() < 0.3 ? 1 + r.int(4) : null] as const));
  const out: RefEvent[] = [];
  const count = r.int(300);
  const rows: Omit<RefEvent, "rowId" | "visitor">[] = [];
  const anonOf: string[] = [];
  for (let i = 0; i < count; i++) {
    const anon = r.pick(anons);
    const ts = base + r.int(6 * 60) * MIN + r.pick([0, 0, 1, 999]);
    const kind = r.next();
    const channel = r.pick(CHANNELS);
    let e: Omit<RefEvent, "rowId" | "visitor">;
    // A server-side page view may carry its own name; page steps go by type and path only.
    if (kind < 0.5) e = { ts, type: "page_view", name: r.pick(["page_view", "page_view", "page_view", "Pricing"]), path: r.pick(PATHS), props: null, revenueMinor: null, currency: null, channel };
    else if (kind < 0.8) e = { ts, type: "track", name: r.pick(TRACKS), path: null, props: null, revenueMinor: null, currency: null, channel };
    else if (kind < 0.95) {
      const paid = r.next() < 0.7;
      e = {
        ts, type: "conversion", name: r.pick(["purchase", "purchase", "ebook"]), path: null,
        props: { plan: r.pick(["pro", "basic"]), seats: r.pick([1, 2, "2"]) },
        revenueMinor: paid ? 100 + r.int(10_000) : null, currency: paid ? r.pick(["USD", "EUR"]) : null, channel,
      };
    } else e = { ts, type: "identify", name: "identify", path: null, props: null, revenueMinor: null, currency: null, channel };
    rows.push(e);
    anonOf.push(anon);
  }
  store.sqlite.transaction(() => rows.forEach((e, i) => {
    const anon = anonOf[i];
    const contactId = contactOf.get(anon) ?? null;
    const rowId = insertEvent(store.sqlite, {
      funnel_id: funnelId, id: `${seed}-${i}`, type: e.type, name: e.name, ts: e.ts, anonymous_id: anon, session_id: `s-${anon}`, contact_id: contactId,
      path: e.path, props: e.props ? JSON.stringify(e.props) : null, revenue_minor: e.revenueMinor, currency: e.currency, channel: e.channel,
    });
    out.push({ ...e, rowId, visitor: contactId !== null ? `c${contactId}` : `a${anon}` });
  }))();
  return out;
}

const toMajor = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([c, v]) => [c, fromMinorUnits(v, c)]));

test("SQL-backed report = brute-force reference, on 200 random histories", async () => {
  for (let seed = 1; seed <= 200; seed++) {
    const funnelId = `prop${seed}`;
    const events = history(seed, funnelId);
    const r = rng(seed * 7919);
    const d = def(DEFS[seed % DEFS.length]);
    const base = Date.UTC(2026, 2, 1);
    const from = base + r.int(120) * MIN;
    const to = from + (1 + r.int(180)) * MIN;
    const now = base + r.int(10 * 60) * MIN;
    const got = await stepsReport(store.events.journeys, funnelId, d, { from, to, now, breakdown: "channel" });
    const want = refReport(d, events, from, to, now);
    const where = `seed ${seed}`;
    expect([where, got.steps.map((s) => [s.visitors, s.inProgress, s.dropped])]).toEqual([where, want.steps.map((s) => [s.visitors, s.inProgress, s.dropped])]);
    expect([where, got.steps.map((s) => s.medianSecondsFromPrevious)]).toEqual([where, want.steps.map((s) => (s.medianMs === null ? null : Math.round(s.medianMs) / 1000))]);
    expect([where, got.steps.map((s) => s.revenue)]).toEqual([where, want.steps.map((s) => toMajor(s.revenueMinor))]);
    // Breakdown by the entry's channel (few values: no "other" group).
    const byChannel = new Map<string, typeof want.visitors>();
    for (const v of want.visitors) {
      const k = v.entry.channel ?? "(none)";
      byChannel.set(k, [...(byChannel.get(k) ?? []), v]);
    }
    const wantRows = Object.fromEntries([...byChannel].map(([k, vs]) => [k, refSteps(d, vs).map((s) => s.visitors)]));
    const gotRows = Object.fromEntries((got.breakdown ?? []).map((b) => [b.value, b.steps.map((s) => s.visitors)]));
    expect([where, gotRows]).toEqual([where, wantRows]);
  }
});
