// Checks that two data directories seeded alike hold the same event plane: OLD written
// by a release on the previous layout, NEW by this tree on the compact one. Events,
// visits, contacts and the dashboard rollups are compared field by field, the compact
// rows read back wide (src/store/sqlite/layout/wide.ts); prints the first difference
// of each and exits 1 when there is one. Seed both close in time (the demo's clock).
//
//   (main)  bun scripts/seed-demo.ts --create --events 100000 --days 30 --seed 1 --data /tmp/old
//   (here)  bun scripts/seed-demo.ts --create --events 100000 --days 30 --seed 1 --data /tmp/new
//   bun scripts/check-layout-parity.ts /tmp/old /tmp/new
import { Database } from "bun:sqlite";
import { decodePublicId, WIDE_EVENTS_SQL, WIDE_SESSIONS_SQL } from "../src/store/sqlite/layout";

const [oldDir, newDir] = process.argv.slice(2);
if (!oldDir || !newDir) throw new Error("usage: bun scripts/check-layout-parity.ts OLD_DATA_DIR NEW_DATA_DIR");
const [a, b] = [oldDir, newDir].map((d) => new Database(`${d}/aurea.db`, { readonly: true }));

type Row = Record<string, unknown>;
const without = (drop: string[]) => (r: Row) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k)));
let same = true;
function compare(what: string, x: Row[], y: Row[]): void {
  const i = x.findIndex((r, n) => JSON.stringify(r) !== JSON.stringify(y[n]));
  const ok = x.length === y.length && i === -1;
  console.log(`${what}: ${x.length} / ${y.length} rows, ${ok ? "same" : "DIFFERENT"}`);
  if (!ok) {
    same = false;
    if (i >= 0) console.log("  old:", x[i], "\n  new:", y[i]);
  }
}

compare(
  "events",
  a.query<Row, []>("SELECT * FROM events ORDER BY row_id").all().map((r) => ({ ...r, id: decodePublicId(r.id as string) })).map(without(["funnel_id", "received_at", "row_id"])),
  b.query<Row, []>(`${WIDE_EVENTS_SQL} ORDER BY e.row_id`).all().map(without(["funnel_id", "row_id"])),
);
const visitCols = `id, anonymous_id, contact_id, started_at, last_at, entry_path, exit_path, pageviews, events, duration_ms, bounce, channel,
  referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content, click_id, browser, os, device, country, region, city,
  converted, conversions, revenue`;
compare(
  "visits",
  a.query<Row, []>(`SELECT ${visitCols} FROM sessions ORDER BY started_at, id`).all(),
  b.query<Row, []>(`SELECT ${visitCols} FROM (${WIDE_SESSIONS_SQL}) ORDER BY started_at, id`).all(),
);
const contactCols = "email, user_id, name, traits, first_seen, last_seen, first_channel, first_source, conversions, revenue";
compare("contacts", a.query<Row, []>(`SELECT ${contactCols} FROM contacts ORDER BY id`).all(), b.query<Row, []>(`SELECT ${contactCols} FROM contacts ORDER BY id`).all());
for (const t of ["rollup_hours", "rollup_revenue"]) {
  const q = `SELECT * FROM ${t} ORDER BY dim, hour, value`;
  compare(t, a.query<Row, []>(q).all().map(without(["funnel_id"])), b.query<Row, []>(q).all().map(without(["funnel_id"])));
}
process.exit(same ? 0 : 1);
