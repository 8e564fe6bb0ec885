// /funnels/:id/sessions, /sessions/:sid, /contacts, /contacts/:cid.
import { parseContactCursor, parseSessionCursor } from "../../../analytics/cursor";
import type { Reads } from "../../../analytics/reads/run";
import { ordersSection } from "../../../../views/analytics/orders";
import { html, type SafeHtml } from "../../../../views/html";
import { InvalidInput, NotFound } from "../../../http/errors";
import { contactDetail, contactsBody } from "../../../../views/analytics/contacts";
import { sessionDetail, sessionsBody } from "../../../../views/analytics/sessions";
import { one, type AnalyticsRequest, type Query } from "./request";

const PAGE_SIZE = 50;

function cursor<T>(query: Query, parse: (raw: string | undefined) => T | null): { raw: string | null; value: T | null } {
  const raw = one(query, "before");
  if (raw === undefined || raw === "") return { raw: null, value: null };
  const value = parse(raw);
  if (!value) throw new InvalidInput("invalid_query", "before: expected the cursor from an “Older” link");
  return { raw, value };
}

export async function sessionsPage(reads: Reads, req: AnalyticsRequest, query: Query): Promise<SafeHtml> {
  const before = cursor(query, parseSessionCursor);
  return sessionsBody(req.state, req.period, await reads.run("dashboard.sessions", { scope: req.scope, limit: PAGE_SIZE, before: before.value }), before.raw);
}

export async function sessionPage(reads: Reads, req: AnalyticsRequest, sessionId: string): Promise<SafeHtml> {
  const found = await reads.run("dashboard.session", { funnelId: req.funnel.id, sessionId });
  if (!found) throw new NotFound("not_found", "There is no such visit in this funnel (it may have been deleted by the retention setting).");
  const detail = sessionDetail(req.funnel.id, found.session, found.events, req.tz);
  return html`${detail}${ordersSection(found.orders, req.tz)}`;
}

export async function contactsPage(reads: Reads, req: AnalyticsRequest, query: Query): Promise<SafeHtml> {
  const before = cursor(query, parseContactCursor);
  const page = await reads.run("dashboard.contacts", { scope: req.scope, limit: PAGE_SIZE, before: before.value });
  return contactsBody(req.state, req.period, page.contacts, page.next, before.raw);
}

export async function contactPage(reads: Reads, req: AnalyticsRequest, rawId: string): Promise<SafeHtml> {
  const id = /^\d+$/.test(rawId) ? Number(rawId) : null;
  const found = id === null ? null : await reads.run("dashboard.contact", { funnelId: req.funnel.id, contactId: id });
  if (!found) throw new NotFound("not_found", "There is no such contact in this funnel.");
  const detail = contactDetail(req.funnel.id, found.contact, found.journey, req.tz);
  return html`${detail}${ordersSection(found.orders, req.tz)}`;
}
