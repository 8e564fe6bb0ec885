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
import { gcPace } from "../../../ops/gc-pace";
import { propsMatch, type Step } from "../../../funnels/steps-definition";
import type { JourneyQuery } from "../../journey-reader";
import type { Rollup } from "../../rollup-registry";
import { JourneyCopies } from "../rollups/journey-copies";
import { eventsJourneySql, journeyColumns, kindsOf, type JourneyPart, type SqlJourneyQuery, type SqlPredicate } from "./journey-sql";
import { sessionWhere } from "../dashboard/scope-sql";
import { decodePublicId, funnelKey } from "../layout";
import { JourneyRows, type JourneyRow } from "./journey-rows";
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

/** Visitors whose events are built and handed on at a time (their public ids are read together). */
const BATCH = 2048;

/**
 * `copies`: the registry's journey copies on this connection (made here when not given).
 * The rows are read at once into columns (journey-rows.ts); each visitor's journey is
 * made only when the caller gets to it, a batch at a time, so a report that folds
 * them as they come never holds every visitor's events.
 */
export function loadJourneys(sqlite: Database, funnelId: string, query: JourneyQuery, copies?: Rollup): Iterable<VisitorJourney> {
  if (!copies) {
    copies = ownCopies.get(sqlite);
    if (!copies) ownCopies.set(sqlite, (copies = new JourneyCopies(sqlite)));
  }
  const key = funnelKey(sqlite, funnelId);
  if (key === null) return []; // the funnel has recorded nothing
  const q: SqlJourneyQuery = { ...query, entryVisits: entryVisitsFor(funnelId, key, query.filters ?? [], query.from, query.to), kinds: kindsOf(sqlite) };
  const c = journeyColumns(q);
  const rows = new JourneyRows({ props: c.props >= 0, dim: c.dim >= 0, brk: c.brk >= 0 });
  // Each row is read as an object, garbage once pushed into the columns.
  const pace = gcPace();
  for (const part of journeyParts(copies, funnelId, q)) {
    const { sql, params } = part.rollup ? rollupJourneySql(key, q, part) : eventsJourneySql(key, q, part);
    for (const r of sqlite.query<JourneyRow, SQLQueryBindings[]>(sql).iterate(...params)) {
      rows.push(r);
      pace();
    }
  }
  const wheres = q.def.steps.flatMap((s, i) => (s.where ? [{ bit: 1 << i, where: s.where }] : []));
  const { order, starts } = rows.grouped();
  let read = false;
  return {
    *[Symbol.iterator]() {
      // Read once: the arrays go to the thread's next load when this is done.
      if (read) throw new Error("a journeys iterable is read once");
      read = true;
      try {
        yield* visitorJourneys();
      } finally {
        rows.recycle();
      }
    },
  };

  function* visitorJourneys(): Generator<VisitorJourney> {
    for (let g = 0; g < starts.length - 1; ) {
      const batch: [number, JourneyEvent[]][] = [];
      for (; g < starts.length - 1 && batch.length < BATCH; g++) {
        const events = journeyEvents(rows, order, starts[g], starts[g + 1], wheres, q);
        if (events) batch.push([rows.key[order[starts[g]]], events]);
      }
      if (query.visitorIds === false) {
        for (const [k, events] of batch) yield { visitor: String(k), events };
        continue;
      }
      const anonymous = publicIds(sqlite, batch.flatMap(([k]) => (k < 0 ? [-k] : [])));
      for (const [k, events] of batch) yield { visitor: k > 0 ? `c${k}` : `a${anonymous.get(-k)}`, events };
    }
  }
}

/** One visitor's rows (indexes in time order, ties by row id) as events; null when they never entered. */
function journeyEvents(
  rows: JourneyRows,
  byVisitor: Int32Array,
  start: number,
  end: number,
  wheres: { bit: number; where: Step["where"] }[],
  q: SqlJourneyQuery,
): JourneyEvent[] | null {
  let entered = false;
  for (let j = start; j < end; j++) {
    const i = byVisitor[j];
    let matches = rows.mask[i];
    if (matches && wheres.length) {
      const props = parseProps(rows.props.get(i) ?? null);
      for (const w of wheres) if (matches & w.bit && !propsMatch(props, w.where)) matches &= ~w.bit;
      rows.mask[i] = matches;
    }
    const ts = rows.ts[i];
    if (matches & 1 && ts >= q.from && ts < q.to) entered = true;
  }
  if (!entered) return null;
  const events: JourneyEvent[] = [];
  let order = 0;
  for (let j = start; j < end; ) {
    const i = byVisitor[j];
    let matches = rows.mask[i];
    let breaks = rows.breaks(i);
    let revenue = rows.revenue(i);
    let currency = rows.currency(i);
    let dim = matches & 1 ? rows.dimOf(i) : -1;
    // The same event found by several lookups: one event with all their bits.
    for (j++; j < end && rows.rowId[byVisitor[j]] === rows.rowId[i]; j++) {
      const d = byVisitor[j];
      const m = rows.mask[d];
      if (m & 1 && !(matches & 1)) dim = rows.dimOf(d);
      matches |= m;
      breaks ||= rows.breaks(d);
      if (Number.isNaN(revenue)) revenue = rows.revenue(d);
      if (currency < 0) currency = rows.currency(d);
    }
    if (breaks) order++;
    const hasRevenue = !Number.isNaN(revenue);
    if (!matches && !hasRevenue) continue; // e.g. strict mode's other actions: counted, not kept
    const cur = rows.currencies.value(currency);
    const dimValue = rows.shape.dim ? rows.dims.value(dim) : null;
    events.push({ ts: rows.ts[i], matches, breaks, order, revenue: hasRevenue && cur ? { currency: cur, minor: revenue } : null, dim: dimValue });
  }
  return events;
}

function parseProps(raw: string | null): Record<string, unknown> | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return null;
  }
}
