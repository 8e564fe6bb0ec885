// Journey rows from the copies of whole past days (journey_events, see
// ../rollups/journeys-rollup.ts): one lookup per step, by the table's key, each row
// carrying its lookup's step bit; an event found by two lookups comes twice and is
// merged in load-journeys.ts. Values journey_events does not copy (props, breakdown value,
// visit) are read from the event row by its row id, only for the rows that need them.
import type { SQLQueryBindings } from "bun:sqlite";
import { ANY_CONVERSION, PASSIVE_EVENT_NAMES } from "../../../funnels/steps-definition";
import {
  conversions, dimensionSql, journeyColumns, stepLookups, withClause,
  type JourneyPart, type SqlJourneyQuery, type SqlPredicate,
} from "./journey-sql";
import { DAY_MS } from "../../../analytics/timezone";
import { PROPS_SQL } from "../layout";

/** A value of the copied event's row (alias e), read by its row id. */
const fromEvent = (expr: string) => `(SELECT ${expr} FROM events e WHERE e.row_id = journey_events.row_id)`;

/**
 * Sequential order reads the steps' possible hits (step 1 only inside [from, to)) and
 * the conversions; strict order reads step hits and every order-breaking event (gaps
 * between hits must be seen), step 1 over the whole part (a repeat keeps a chain).
 */
export function rollupJourneySql(key: number, query: SqlJourneyQuery, part: JourneyPart): SqlPredicate {
  const { def, kinds } = query;
  const c = journeyColumns(query);
  const CONVERSION = conversions(kinds);
  const strict = def.order === "strict";
  const scope = { sql: "funnel = ? AND day IN (SELECT value FROM json_each(?))", params: [key, JSON.stringify(daysOf(part))] };
  const arms: SqlPredicate[] = [];
  // o.revenue: the lookup can find conversions (only they carry revenue).
  const arm = (lookup: SqlPredicate, bit: number, o: { revenue: boolean; brk?: boolean; props?: boolean; entry?: boolean }) => {
    const cols: SqlPredicate[] = [{ sql: `coalesce(contact_id, -visitor) AS k, ts AS ts, row_id AS r, ${bit} AS m`, params: [] }];
    cols.push(
      o.revenue
        ? {
            sql: `CASE WHEN ${CONVERSION.sql} THEN revenue_minor END AS rv, CASE WHEN revenue_minor IS NOT NULL AND ${CONVERSION.sql} THEN currency END AS cur`,
            params: [...CONVERSION.params, ...CONVERSION.params],
          }
        : { sql: "NULL AS rv, NULL AS cur", params: [] },
    );
    if (c.props >= 0) cols.push({ sql: `${o.props ? fromEvent(PROPS_SQL("e")) : "NULL"} AS props`, params: [] });
    if (c.dim >= 0) cols.push(o.entry ? as(dimensionSql(key, query, fromEvent), "dim") : { sql: "NULL AS dim", params: [] });
    if (c.brk >= 0) cols.push({ sql: o.brk ? "1 AS brk" : "0 AS brk", params: [] });
    const entryVisit = o.entry && query.entryVisits ? ` AND ${fromEvent("e.session")} IN entry_visits` : "";
    arms.push({
      sql: `SELECT ${cols.map((x) => x.sql).join(", ")} FROM journey_events WHERE ${scope.sql} AND ${lookup.sql}${entryVisit}`,
      params: [...cols.flatMap((x) => x.params), ...scope.params, ...lookup.params],
    });
  };

  const entryFrom = strict ? part.from : Math.max(part.from, query.from);
  const entryTo = strict ? part.to : Math.min(part.to, query.to);
  def.steps.forEach((s, i) => {
    const [from, to] = i === 0 ? [entryFrom, entryTo] : [part.from, part.to];
    if (from < to) for (const l of stepLookups(s, from, to, true, kinds)) arm(l, 1 << i, { revenue: s.page === undefined, props: !!s.where, entry: i === 0 });
  });
  if (strict) {
    // Events other than page views have path 0 in the copy: their ts can be searched.
    const ts = { sql: "ts >= ? AND ts < ?", params: [part.from, part.to] };
    const kindIn = (where: string, params: string[] = []) => {
      const ids = kinds(where, params);
      return ids.length ? `kind IN (${ids.join(", ")})` : null;
    };
    const pageViews = kindIn("type = 'page_view'");
    const tracks = kindIn(`type = 'track' AND name NOT IN (${PASSIVE_EVENT_NAMES.map(() => "?").join(", ")})`, [...PASSIVE_EVENT_NAMES]);
    if (pageViews) arm({ sql: `${pageViews} AND ${ts.sql}`, params: ts.params }, 0, { revenue: false, brk: true });
    if (CONVERSION.sql !== "0") arm({ sql: `${CONVERSION.sql} AND path = 0 AND ${ts.sql}`, params: ts.params }, 0, { revenue: true, brk: true });
    if (tracks) arm({ sql: `${tracks} AND path = 0 AND ${ts.sql}`, params: ts.params }, 0, { revenue: false, brk: true });
  } else {
    for (const l of stepLookups({ name: "", event: ANY_CONVERSION }, part.from, part.to, true, kinds)) arm(l, 0, { revenue: true });
  }
  if (!arms.length) arm({ sql: "0", params: [] }, 0, { revenue: false });
  const select = arms.map((a) => a.sql).join("\nUNION ALL ");
  const w = withClause(query);
  return { sql: w.sql + select, params: [...w.params, ...arms.flatMap((a) => a.params)] as SQLQueryBindings[] };
}

/** The expression named as the column journey-rows.ts reads. */
const as = (p: SqlPredicate, name: string): SqlPredicate => ({ sql: `${p.sql} AS ${name}`, params: p.params });

/** The UTC days a rollup part covers. */
function daysOf(part: JourneyPart): number[] {
  const days: number[] = [];
  for (let d = Math.floor(part.from / DAY_MS); d * DAY_MS < part.to; d++) days.push(d);
  return days;
}
