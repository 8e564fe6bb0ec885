// Scratch measurement beside scripts/prototype-storage-layout.ts: a few hot reads written
// for the current layout and for the compact one, timed on a database in each (median
// of 5) with their counts compared. Funnel key 1 is the prototype's only funnel.
//
//   bun scripts/prototype-storage-queries.ts CURRENT_DIR COMPACT_DIR FUNNEL_ID
import { Database } from "bun:sqlite";
import { join } from "node:path";

const [currentDir, compactDir, F] = process.argv.slice(2);
if (!F) throw new Error("usage: bun scripts/prototype-storage-queries.ts CURRENT_DIR COMPACT_DIR FUNNEL_ID");
const old = new Database(join(currentDir, "aurea.db"), { readonly: true });
const neu = new Database(join(compactDir, "aurea.db"), { readonly: true });
for (const d of [old, neu]) d.exec("PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456");
const to = (old.query("SELECT max(ts) AS t FROM events").get() as { t: number }).t;
const from = to - 30 * 86400000;
const day0 = Math.floor(from / 86400000), day1 = Math.floor(to / 86400000);
// A visitor who became a contact (the contact page's read).
const anon = (old.query("SELECT anonymous_id a FROM contact_visitors WHERE funnel_id = ? LIMIT 1 OFFSET 500").get(F) as { a: string }).a;
const pairs: [string, string, any[], string, any[]][] = [
  ["viewed /pricing: visits, 30d",
   "SELECT count(DISTINCT session_id) n FROM events WHERE funnel_id = ? AND type = 'page_view' AND name = 'page_view' AND path = '/pricing' AND ts >= ? AND ts < ?", [F, from, to],
   "SELECT count(DISTINCT session) n FROM events WHERE funnel = 1 AND kind = (SELECT id FROM kinds WHERE type = 'page_view' AND name = 'page_view') AND path = (SELECT id FROM strings WHERE value = '/pricing') AND ts >= ? AND ts < ?", [from, to]],
  ["top pages, 30d",
   "SELECT path, count(*) n FROM events WHERE funnel_id = ? AND type = 'page_view' AND name = 'page_view' AND ts >= ? AND ts < ? GROUP BY path ORDER BY n DESC LIMIT 10", [F, from, to],
   "SELECT s.value AS path, n FROM (SELECT path, count(*) n FROM events WHERE funnel = 1 AND kind = (SELECT id FROM kinds WHERE type = 'page_view' AND name = 'page_view') AND ts >= ? AND ts < ? GROUP BY path ORDER BY n DESC LIMIT 10) JOIN strings s ON s.id = path ORDER BY n DESC", [from, to]],
  ["a visitor's events (contact page)",
   "SELECT row_id, ts FROM events WHERE funnel_id = ? AND anonymous_id = ? ORDER BY ts, row_id", [F, anon],
   "SELECT e.row_id, e.ts FROM sessions s CROSS JOIN events e ON e.funnel = 1 AND e.session = s.key WHERE s.funnel = 1 AND s.visitor = (SELECT key FROM visitors WHERE funnel = 1 AND public_id = unhex(replace(?, '-', ''))) ORDER BY e.ts, e.row_id", [anon]],
  ["step hits /pricing from the journey copy, 30 days",
   "SELECT count(*) n, count(DISTINCT anonymous_id) v FROM journey_events WHERE funnel_id = ? AND day >= ? AND day < ? AND type = 'page_view' AND name = 'page_view' AND path = '/pricing'", [F, day0, day1],
   "SELECT count(*) n, count(DISTINCT visitor) v FROM journey_events WHERE funnel = 1 AND day >= ? AND day < ? AND kind = (SELECT id FROM kinds WHERE type = 'page_view' AND name = 'page_view') AND path = (SELECT id FROM strings WHERE value = '/pricing')", [day0, day1]],
  ["events of 30d by channel (sessions)",
   "SELECT channel, count(*) n FROM sessions WHERE funnel_id = ? AND started_at >= ? AND started_at < ? GROUP BY channel", [F, from, to],
   "SELECT x.channel, count(*) n FROM sessions s LEFT JOIN sources x ON x.id = s.source WHERE s.funnel = 1 AND s.started_at >= ? AND s.started_at < ? GROUP BY x.channel", [from, to]],
];
// The compact reads name their join order (CROSS JOIN) where the prototype has no statistics.
const time = (d: Database, sql: string, p: any[]) => {
  const q = d.query(sql);
  let r: unknown[] = [];
  const ts: number[] = [];
  for (let i = 0; i < 5; i++) { const t = performance.now(); r = q.all(...p); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b); return { ms: ts[2], r };
};
for (const [label, a, pa, b, pb] of pairs) {
  const x = time(old, a, pa), y = time(neu, b, pb);
  const same = JSON.stringify(x.r.map((o: any) => Object.values(o).slice(-1))) === JSON.stringify(y.r.map((o: any) => Object.values(o).slice(-1)));
  console.log(`${label.padEnd(50)} current ${x.ms.toFixed(1).padStart(7)} ms   compact ${y.ms.toFixed(1).padStart(7)} ms   same counts: ${same}`);
}
