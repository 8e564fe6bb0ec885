// GET /funnels/:id/panels/revenue: the revenue panel for the page's range, under the
// chosen model and breakdown (?model=&by=&unverified=1&test=1). Filters do not apply:
// orders are read from payments, not from the filtered visits.
import type { Database } from "bun:sqlite";
import type { Reads } from "../../../analytics/reads/run";
import { REVENUE_BREAKDOWNS, REVENUE_MODELS, type RevenueBreakdown, type RevenueModel } from "../../../analytics/revenue-report";
import { currencySetting, setMainCurrency } from "../../../funnels/currency";
import { AppError, InvalidInput } from "../../../http/errors";
import { revenuePanel, type RevenueChoice } from "../../../../views/analytics/revenue";
import type { SafeHtml } from "../../../../views/html";
import { one, type AnalyticsRequest, type Query } from "./request";

export function revenueChoice(query: Query): RevenueChoice {
  const model = one(query, "model") || "last_touch";
  const by = one(query, "by") || "channel";
  if (!(REVENUE_MODELS as readonly string[]).includes(model)) throw new InvalidInput("invalid_query", `model: expected ${REVENUE_MODELS.join(" or ")}`);
  if (!(REVENUE_BREAKDOWNS as readonly string[]).includes(by)) throw new InvalidInput("invalid_query", `by: expected one of ${REVENUE_BREAKDOWNS.join(", ")}`);
  return { model: model as RevenueModel, breakdown: by as RevenueBreakdown, unverified: one(query, "unverified") === "1", includeTest: one(query, "test") === "1" };
}

/** `edit`: the viewer may change the main currency (owners), with their CSRF token. */
export async function revenuePartial(
  reads: Reads,
  sqlite: Database,
  req: AnalyticsRequest,
  query: Query,
  edit: { csrfToken: string; error?: string } | null,
): Promise<SafeHtml> {
  const c = revenueChoice(query);
  const args = { from: req.period.from, to: req.period.to, model: c.model, breakdown: c.breakdown, includeTest: c.includeTest };
  const report = await reads.run("dashboard.revenue", { funnelId: req.funnel.id, args });
  return revenuePanel(req.state, c, report, edit ? { ...edit, setting: currencySetting(sqlite, req.funnel.id) } : null);
}

/** POST …/panels/revenue/currency: saves the main currency; a bad code answers 422 with the panel and the reason. */
export async function saveCurrency(
  reads: Reads,
  sqlite: Database,
  req: AnalyticsRequest,
  query: Query,
  raw: string,
  csrfToken: string,
): Promise<{ status: number; body: SafeHtml }> {
  try {
    setMainCurrency(sqlite, req.funnel.id, raw);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { status: 422, body: await revenuePartial(reads, sqlite, req, query, { csrfToken, error: e.message }) };
  }
  return { status: 200, body: await revenuePartial(reads, sqlite, req, query, { csrfToken }) };
}
