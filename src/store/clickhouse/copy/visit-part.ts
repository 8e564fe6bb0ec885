// Where a copied SQLite event sits in its visit: the columns ClickHouse's visits_mv folds
// (schema-v1.ts), chosen so that the fold gives the SQLite visit back. The writer knows
// these as it writes (writer/event-writer.ts, writer/payments.ts); a stored SQLite event
// no longer does (it keeps no "sent with the secret key"), so they come from its visit:
// - the visit opens with its first event written (lowest row id), and visit_start is
//   that event's time, as the writer sets it;
// - an event stretches the visit when it lies within the bounds SQLite kept for it:
//   the events outside them are exactly those that did not move them;
// - an event counts in its visit unless it has none, is a refund, or is a provider
//   payment SQLite did not count (a test payment, or one a better report superseded
//   when it came: a payment is never superseded later, nothing outranks it).
import { isEngaging } from "../../session-rules";
import { PAYMENT_ID_PREFIX } from "../../order-ids";
import type { VisitPart } from "../writer/rows";

/** A SQLite visit as the copy needs it (WIDE_SESSIONS_SQL's columns and its opening event). */
export interface SourceVisit {
  startedAt: number;
  lastAt: number;
  openerRowId: number;
  openerTs: number;
}

export interface SourceEventFacts {
  rowId: number;
  id: string;
  type: string;
  name: string;
  ts: number;
  flags: string | null;
  props: Record<string, unknown> | null;
}

export function visitPart(e: SourceEventFacts, visit: SourceVisit | null): VisitPart {
  if (!visit) return { visitStart: e.type === "refund" ? e.ts : 0, opensVisit: false, browsing: false, engaging: false, inVisit: false };
  const opens = e.rowId === visit.openerRowId;
  return {
    visitStart: visit.openerTs,
    opensVisit: opens,
    browsing: opens || (e.ts >= visit.startedAt && e.ts <= visit.lastAt),
    engaging: isEngaging(e.type, e.name),
    inVisit: countsInVisit(e),
  };
}

function countsInVisit(e: SourceEventFacts): boolean {
  if (e.type === "refund") return false;
  if (e.type === "conversion" && e.id.startsWith(PAYMENT_ID_PREFIX)) {
    const superseded = (e.flags ?? "").split(",").includes("superseded");
    return !superseded && e.props?.test !== true;
  }
  return true;
}
