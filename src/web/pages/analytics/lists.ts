// /funnels/:id/sessions, /sessions/:sid, /contacts, /contacts/:cid.
import { browseContacts, contactJourney, getContact, parseContactCursor } from "../../../analytics/contact-browse";
import { browseSessions, getSession, parseSessionCursor, sessionEvents } from "../../../analytics/session-browse";
import type { Database } from "bun:sqlite";
import { ordersOf } from "../../../analytics/order-list";
import { ordersSection } from "../../../../views/analytics/orders";
import { html } from "../../../../views/html";
import { HttpError } from "../../../ingest/errors";
import { contactDetail, contactsBody } from "../../../../views/analytics/contacts";
import { sessionDetail, sessionsBody } from "../../../../views/analytics/sessions";
import type { SafeHtml } from "../../../../views/html";
import { one, type AnalyticsRequest, type Query } from "./request";

const PAGE_SIZE = 50;

function cursor<T>(query: Query, parse: (raw: string | undefined) => T | null): { raw: string | null; value: T | null } {
  const raw = one(query, "before");
  if (raw === undefined || raw === "") return { raw: null, value: null };
  const value = parse(raw);
  if (!value) throw new HttpError(400, "invalid_query", "before: expected the cursor from an “Older” link");
  return { raw, value };
}

export function sessionsPage(sqlite: Database, req: AnalyticsRequest, query: Query): SafeHtml {
  const before = cursor(query, parseSessionCursor);
  return sessionsBody(req.state, req.period, browseSessions(sqlite, req.scope, PAGE_SIZE, before.value), before.raw);
}

export function sessionPage(sqlite: Database, req: AnalyticsRequest, sessionId: string): SafeHtml {
  const session = getSession(sqlite, req.funnel.id, sessionId);
  if (!session) throw new HttpError(404, "not_found", "There is no such visit in this funnel (it may have been deleted by the retention setting).");
  const detail = sessionDetail(req.funnel.id, session, sessionEvents(sqlite, req.funnel.id, sessionId), req.tz);
  return html`${detail}${ordersSection(ordersOf(sqlite, req.funnel.id, { sessionId }), req.tz)}`;
}

export function contactsPage(sqlite: Database, req: AnalyticsRequest, query: Query): SafeHtml {
  const before = cursor(query, parseContactCursor);
  const page = browseContacts(sqlite, req.scope, PAGE_SIZE, before.value);
  return contactsBody(req.state, req.period, page.contacts, page.next, before.raw);
}

export function contactPage(sqlite: Database, req: AnalyticsRequest, rawId: string): SafeHtml {
  const id = /^\d+$/.test(rawId) ? Number(rawId) : null;
  const contact = id === null ? null : getContact(sqlite, req.funnel.id, id);
  if (!contact || id === null) throw new HttpError(404, "not_found", "There is no such contact in this funnel.");
  const detail = contactDetail(req.funnel.id, contact, contactJourney(sqlite, req.funnel.id, id), req.tz);
  return html`${detail}${ordersSection(ordersOf(sqlite, req.funnel.id, { contactId: id }), req.tz)}`;
}
