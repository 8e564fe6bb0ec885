// Per visitor, the events that could be step hits (plus conversions with revenue),
// in time order, with which steps each one is a hit for. The SQL (funnel-journey-sql)
// matches type, name and path as a bit mask; here the `where` props are checked and
// rows are grouped per visitor. A visitor is a contact when known (events of all their
// anonymous ids are back-filled with contact_id), else an anonymous id. Visitors with
// no step-1 hit in the range are left out: they cannot enter the funnel.
import type { Database, SQLQueryBindings } from "bun:sqlite";
import { propsMatch } from "../funnels/steps-definition";
import { sessionWhere, type Filter } from "./filters";
import { journeySql, type JourneyQuery, type SqlPredicate } from "./funnel-journey-sql";
import type { JourneyEvent, VisitorJourney } from "./funnel-progress";
import { DAY_MS } from "./timezone";

export { BREAKDOWN_DIMENSIONS, journeySql, type BreakdownDimension, type JourneyQuery, type SqlPredicate } from "./funnel-journey-sql";

/**
 * The dashboard filters as an entry condition: the ids of the visits that match them
 * (source, device, entry page, pages viewed, events done …); a journey starts only at
 * a step-1 hit in one of them. Visits that started up to a day before the range still
 * count, since the entry may come late in a visit.
 */
export function entryVisitsFor(funnelId: string, filters: Filter[], from: number, to: number): SqlPredicate | undefined {
  if (!filters.length) return undefined;
  const w = sessionWhere({ funnelId, filters, from: from - DAY_MS, to });
  return { sql: `SELECT s.id FROM sessions s WHERE ${w.sql}`, params: w.params };
}

interface Open {
  events: JourneyEvent[];
  entered: boolean;
  /** Order-breaking events so far (strict order). */
  order: number;
  lastTs: number;
  /** Rows came out of time order (they come by row id in sequential mode). */
  unsorted: boolean;
}

type Cell = string | number | null;

export function loadJourneys(sqlite: Database, funnelId: string, q: JourneyQuery): VisitorJourney[] {
  const { sql, params, columns: c } = journeySql(funnelId, q);
  const rows = sqlite.query<Cell[], SQLQueryBindings[]>(sql).values(...params) as Cell[][];
  const wheres = q.def.steps.flatMap((s, i) => (s.where ? [{ bit: 1 << i, where: s.where }] : []));
  const open = new Map<Cell, Open>();
  for (const r of rows) {
    const key = r[c.key];
    let j = open.get(key);
    if (!j) open.set(key, (j = { events: [], entered: false, order: 0, lastTs: -Infinity, unsorted: false }));
    const breaks = c.brk >= 0 && r[c.brk] === 1;
    if (breaks) j.order++;
    let matches = r[c.mask] as number;
    if (matches && wheres.length) {
      const props = parseProps(r[c.props] as string | null);
      for (const w of wheres) if (matches & w.bit && !propsMatch(props, w.where)) matches &= ~w.bit;
    }
    const revenueMinor = r[c.revenue] as number | null;
    if (!matches && revenueMinor === null) continue; // e.g. strict mode's other actions: counted, not kept
    const ts = r[c.ts] as number;
    if (matches & 1 && ts >= q.from && ts < q.to) j.entered = true;
    if (ts < j.lastTs) j.unsorted = true;
    j.lastTs = ts;
    const currency = r[c.currency] as string | null;
    j.events.push({
      ts,
      matches,
      breaks,
      order: j.order,
      revenue: revenueMinor !== null && currency ? { currency, minor: revenueMinor } : null,
      dim: matches & 1 && c.dim >= 0 ? (r[c.dim] as string | null) : null,
    });
  }
  const out: VisitorJourney[] = [];
  for (const [key, j] of open) {
    if (!j.entered) continue;
    // Stable: events of equal time stay in row id order.
    if (j.unsorted) j.events.sort((a, b) => a.ts - b.ts);
    out.push({ visitor: typeof key === "number" ? `c${key}` : `a${key}`, events: j.events });
  }
  return out;
}

function parseProps(raw: string | null): Record<string, unknown> | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return null;
  }
}
