// The Experiments tab of a funnel: its split tests, and (for owners) the form that starts one.
import { badge, card, csrfField, emptyState, formError, localTime, table } from "../components";
import { html, type SafeHtml } from "../html";

export interface ExperimentRow {
  key: string;
  variants: { name: string; weight: number }[];
  metric: string;
  status: "running" | "stopped";
  winner: string | null;
  startedAt: number;
  stoppedAt: number | null;
  splitUrls: Record<string, string>;
}

export interface CreateFormValues {
  key: string;
  variants: string;
  metric: string;
  secondary: string;
  splitUrls: string;
  mde: string;
}

export const EMPTY_FORM: CreateFormValues = { key: "", variants: "a:50,b:50", metric: "revenue", secondary: "", splitUrls: "", mde: "10%" };

export const experimentsBase = (funnelId: string) => `/funnels/${encodeURIComponent(funnelId)}/experiments`;
export const experimentPath = (funnelId: string, key: string) => `${experimentsBase(funnelId)}/${encodeURIComponent(key)}`;

function statusBadge(e: ExperimentRow): SafeHtml {
  if (e.status === "running") return badge("running", "good");
  return badge(e.winner ? `stopped · winner ${e.winner}` : "stopped · no winner", "neutral");
}

export function createForm(funnelId: string, csrfToken: string, values: CreateFormValues, error?: string | null): SafeHtml {
  const input = (name: keyof CreateFormValues, label: string, hint: string, attrs: SafeHtml = html``) => html`<div class="field">
      <label for="x-${name}">${label}</label>
      <input id="x-${name}" name="${name}" value="${values[name]}" aria-describedby="x-${name}-hint" ${attrs}>
      <p class="hint" id="x-${name}-hint">${hint}</p>
    </div>`;
  const area = (name: keyof CreateFormValues, label: string, hint: string) => html`<div class="field">
      <label for="x-${name}">${label}</label>
      <textarea id="x-${name}" name="${name}" rows="2" aria-describedby="x-${name}-hint">${values[name]}</textarea>
      <p class="hint" id="x-${name}-hint">${hint}</p>
    </div>`;
  return card({
    title: "Start an experiment",
    id: "new-experiment",
    body: html`<form method="post" action="${experimentsBase(funnelId)}">
      ${csrfField(csrfToken)}
      ${formError(error)}
      ${input("key", "Key", 'What the page names it by: data-aurea-variant="headline:b" or aurea.variant("headline").', html`required maxlength="64" pattern="[A-Za-z0-9_-]+"`)}
      ${input("variants", "Variants and weights", "2 to 4 variants, whole percents summing to 100. The first is the control.", html`required`)}
      ${input("metric", "Primary metric", "revenue (verified net revenue per visitor), conversion:NAME, or step:N (reaching funnel step N).", html`required`)}
      ${area("secondary", "Secondary metrics (optional)", "One per line, same form as the primary metric.")}
      ${area("splitUrls", "Split URLs (optional)", "One per line, e.g. b=https://shop.example/landing-b. The control stays at the funnel's URL unless you give it one.")}
      ${input("mde", "Minimum detectable effect", "The smallest lift worth finding, e.g. 10%. It sets how many visitors the test needs.", html`required`)}
      <button type="submit" class="button">Start experiment</button>
    </form>`,
  });
}

export function experimentsListBody(opts: { funnelId: string; experiments: ExperimentRow[]; canEdit: boolean; csrfToken: string; form: CreateFormValues; error?: string | null }): SafeHtml {
  const list = opts.experiments.length
    ? card({
        title: "Experiments",
        body: table(
          [{ label: "Key" }, { label: "Variants" }, { label: "Primary metric" }, { label: "Status" }, { label: "Started" }],
          opts.experiments.map((e) => [
            html`<a href="${experimentPath(opts.funnelId, e.key)}">${e.key}</a>`,
            e.variants.map((v) => `${v.name} ${v.weight}%`).join(" · ") + (Object.keys(e.splitUrls).length ? " (split URLs)" : ""),
            e.metric,
            statusBadge(e),
            localTime(e.startedAt),
          ]),
        ),
      })
    : emptyState("No experiments yet", html`<p>Split-test a headline, a price or an offer and judge it on verified revenue. See docs/experiments.md for the page snippet.</p>`);
  return html`${list}${opts.canEdit ? createForm(opts.funnelId, opts.csrfToken, opts.form, opts.error) : ""}`;
}
