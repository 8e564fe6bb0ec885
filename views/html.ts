// Escape-by-default HTML templates. Every interpolated value is escaped unless it
// is itself the result of `html` (already safe) or explicitly wrapped in `trusted`.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

type Part = SafeHtml | string | number | boolean | null | undefined | Part[];

function render(value: Part): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Opt-in raw markup, for trusted, server-made strings only (e.g. an SVG we built). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

export function htmlResponse(body: SafeHtml | string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(String(body), { status, headers: { "content-type": "text/html; charset=utf-8", ...headers } });
}
