// A tiny server-rendered sparkline (inline SVG: no script, allowed by the CSP).
import { html, trusted, type SafeHtml } from "./html";

export function sparkline(values: number[], label: string): SafeHtml {
  const w = 100;
  const h = 30;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const points = values.map((v, i) => [i * step, h - 2 - (v / max) * (h - 4)] as const);
  const line = points.map(([x, y]) => `${x.toFixed(2)},${y.toFixed(2)}`).join(" ");
  const area = `0,${h} ${line} ${w},${h}`;
  // Numbers only in the path data: safe to pass as trusted markup.
  return html`<svg class="sparkline" viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" role="img" aria-label="${label}">
    ${trusted(`<polygon class="area" points="${area}"/><polyline class="line" points="${line}"/>`)}
  </svg>`;
}
