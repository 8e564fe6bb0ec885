// Per visitor, the events that could be step hits (plus conversions with revenue),
// in time order, with which steps each one is a hit for. The SQL (journey-sql.ts,
// rollup-sql.ts) finds them by type, name and path; here the `where` props are
// checked, rows are grouped per visitor, put in time order and merged when two lookups
// found the same event. A visitor is a contact when known (events of all their
// anonymous ids are back-filled with contact_id), else an anonymous id: the SQL gives
// minus its visitors key, turned into the public id once per visitor who entered.
// Visitors with no step-1 hit in the range are left out: they cannot enter the funnel.
import type { Database, SQLQueryBindings } from "bun:sqlite";
import type { Filter } from "../../../analytics/filters";
import type { JourneyEvent, VisitorJourney } from "../../../analytics/funnel-progress";
import { DAY_MS } from "../../../analytics/timezone";
import { isTransient } from "../../../db/storage-errors";
import { propsMatch, type Step } from "../../../funnels/steps-definition";
import type { JourneyQuery } from "../../journey-reader";
import type { Rollup } from "../../rollup-registry";
import { JourneyCopies } from "../rollups/journey-copies";
import { eventsJourneySql, journeyColumns, kindsOf, type JourneyColumns, type JourneyPart, type SqlJourneyQuery, type SqlPredicate } from "./journey-sql";
import { sessionWhere } from "../dashboard/scope-sql";
import { decodePublicId, funnelKey } from "../layout";
import { rollupJourneySql } from "./rollup-sql";

/**
 * The dashboard filters as an entry condition: the ids of the visits that match them
 * (source, device, entry page, pages viewed, events done …); a journey starts only at
 * a step-1 hit in one of them. Visits that started up to a day before the range still
 * count, since the entry may come late in a visit.
 */
export function entryVisitsFor(funnelId: string, key: number, filters: Filter[], from: number, to: number): SqlPredicate | undefined {
  if (!filters.length) return undefined;
  const w = sessionWhere({ funnelId, key, filters, from: from - DAY_MS, to });
  return { sql: `SELECT s.key FROM sessions s WHERE ${w.sql}`, params: w.params };
}

type Cell = string | number | null;

/**
 * The public ids of visitors keys, decoded: one statement for all of them, the keys in
 * order so the primary-key seeks go forward through the table.
 */
function publicIds(sqlite: Database, keys: number[]): Map<number, string> {
  const out = new Map<number, string>();
  if (!keys.length) return out;
  const rows = sqlite
    .query<[number, string | Uint8Array], [string]>("SELECT v.key, v.public_id FROM json_each(?) j CROSS JOIN visitors v ON v.key = j.value")
    .values(JSON.stringify(keys.sort((a, b) => a - b)));
  for (const [key, id] of rows as [number, string | Uint8Array][]) out.set(key, decodePublicId(id));
  return out;
}

const ownCopies = new WeakMap<Database, Rollup>();

/**
 * Whole UTC days before today (or `rollupBefore`) are read from the journey copies,
 * brought up to date first; the rest, today's, from events by time. Without write
 * access (busy, read-only), all of it from events by index: slower, same rows.
 */
function journeyParts(copies: Rollup, funnelId: string, q: SqlJourneyQuery): JourneyPart[] {
  const now = Date.now();
  const end = q.to + q.def.windowMs;
  const split = Math.min(end, Math.floor((q.rollupBefore ?? now) / DAY_MS) * DAY_MS);
  if (q.from >= split) return [{ rollup: false, from: q.from, to: end, scan: true }];
  const all: JourneyPart[] = [{ rollup: false, from: q.from, to: end }];
  if (q.from < 0) return all;
  try {
    copies.refresh(funnelId, now, { from: Math.floor(q.from / DAY_MS) * DAY_MS, to: Math.ceil(split / DAY_MS) * DAY_MS });
  } catch (e) {
    if (isTransient(e)) return all; // busy, read-only, a full disk
    throw e;
  }
  const parts: JourneyPart[] = [{ rollup: true, from: q.from, to: split }];
  if (split < end) parts.push({ rollup: false, from: split, to: end, scan: true });
  return parts;
}

/** `copies`: the registry's journey copies on this connection (made here when not given). */
export function loadJourneys(sqlite: Database, funnelId: string, query: JourneyQuery, copies?: Rollup): VisitorJourney[] {
  if (!copies) {
    copies = ownCopies.get(sqlite);
    if (!copies) ownCopies.set(sqlite, (copies = new JourneyCopies(sqlite)));
  }
  const key = funnelKey(sqlite, funnelId);
  if (key === null) return []; // the funnel has recorded nothing
  const q: SqlJourneyQuery = { ...query, entryVisits: entryVisitsFor(funnelId, key, query.filters ?? [], query.from, query.to), kinds: kindsOf(sqlite) };
  const c = journeyColumns(q);
  const byVisitor = new Map<number, Cell[][]>();
  for (const part of journeyParts(copies, funnelId, q)) {
    const { sql, params } = part.rollup ? rollupJourneySql(key, q, part) : eventsJourneySql(key, q, part);
    for (const r of sqlite.query<Cell[], SQLQueryBindings[]>(sql).values(...params) as Cell[][]) {
      const k = r[c.key] as number;
      const rows = byVisitor.get(k);
      if (rows) rows.push(r);
      else byVisitor.set(k, [r]);
    }
  }
  const wheres = q.def.steps.flatMap((s, i) => (s.where ? [{ bit: 1 << i, where: s.where }] : []));
  const entered: [number, JourneyEvent[]][] = [];
  for (const [k, rows] of byVisitor) {
    const events = journeyEvents(rows, c, wheres, q);
    if (events) entered.push([k, events]);
  }
  const anonymous = publicIds(sqlite, entered.flatMap(([k]) => (k < 0 ? [-k] : [])));
  return entered.map(([k, events]) => ({ visitor: k > 0 ? `c${k}` : `a${anonymous.get(-k)}`, events }));
}

/** One visitor's rows as events in time order (ties by row id); null when they never entered. */
function journeyEvents(rows: Cell[][], c: JourneyColumns, wheres: { bit: number; where: Step["where"] }[], q: SqlJourneyQuery): JourneyEvent[] | null {
  let entered = false;
  let sorted = true;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    let matches = r[c.mask] as number;
    if (matches && wheres.length) {
      const props = parseProps(r[c.props] as string | null);
      for (const w of wheres) if (matches & w.bit && !propsMatch(props, w.where)) matches &= ~w.bit;
      r[c.mask] = matches;
    }
    const ts = r[c.ts] as number;
    if (matches & 1 && ts >= q.from && ts < q.to) entered = true;
    if (i > 0 && before(r, rows[i - 1], c)) sorted = false;
  }
  if (!entered) return null;
  if (!sorted) rows.sort((a, b) => (a[c.ts] as number) - (b[c.ts] as number) || (a[c.rowId] as number) - (b[c.rowId] as number));
  const events: JourneyEvent[] = [];
  let order = 0;
  for (let i = 0; i < rows.length; ) {
    const r = rows[i];
    let matches = r[c.mask] as number;
    let breaks = c.brk >= 0 && r[c.brk] === 1;
    let revenueMinor = r[c.revenue] as number | null;
    let currency = r[c.currency] as string | null;
    let dim = matches & 1 && c.dim >= 0 ? (r[c.dim] as string | null) : null;
    // The same event found by several lookups: one event with all their bits.
    for (i++; i < rows.length && rows[i][c.rowId] === r[c.rowId]; i++) {
      const d = rows[i];
      const m = d[c.mask] as number;
      if (m & 1 && !(matches & 1) && c.dim >= 0) dim = d[c.dim] as string | null;
      matches |= m;
      breaks ||= c.brk >= 0 && d[c.brk] === 1;
      revenueMinor ??= d[c.revenue] as number | null;
      currency ??= d[c.currency] as string | null;
    }
    if (breaks) order++;
    if (!matches && revenueMinor === null) continue; // e.g. strict mode's other actions: counted, not kept
    events.push({
      ts: r[c.ts] as number,
      matches,
      breaks,
      order,
      revenue: revenueMinor !== null && currency ? { currency, minor: revenueMinor } : null,
      dim,
    });
  }
  return events;
}

const before = (a: Cell[], b: Cell[], c: JourneyColumns) =>
  (a[c.ts] as number) < (b[c.ts] as number) || (a[c.ts] === b[c.ts] && (a[c.rowId] as number) < (b[c.rowId] as number));

function parseProps(raw: string | null): Record<string, unknown> | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return null;
  }
}
