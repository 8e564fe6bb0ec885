// Ready-to-paste install snippets for a funnel: script tag, ES module, curl and
// the server client. Plain strings; the caller puts them in escaped code blocks.
import { disabledCaptures, type CaptureChoices } from "../../src/funnels/capture";

export interface SnippetInput {
  /** Aurea's origin as the browser sees it, e.g. https://aurea.example.com */
  origin: string;
  funnelId: string;
  publicKey: string;
  secretKey: string;
  capture: CaptureChoices;
  /** The funnel's own query parameters kept in recorded URLs. */
  keepParams?: string[];
}

export function scriptTagSnippet(s: Pick<SnippetInput, "origin" | "funnelId" | "publicKey" | "capture" | "keepParams">): string {
  const off = disabledCaptures(s.capture).map((k) => ` data-${k}="false"`).join("");
  const keep = s.keepParams?.length ? ` data-keep-params="${s.keepParams.join(",")}"` : "";
  return `<script defer src="${s.origin}/sdk.js" data-funnel-id="${s.funnelId}" data-key="${s.publicKey}"${off}${keep}></script>`;
}

export function esModuleSnippet(s: SnippetInput): string {
  const off = disabledCaptures(s.capture);
  const capture = off.length ? `\n  capture: { ${off.map((k) => `${k}: false`).join(", ")} },` : "";
  const keep = s.keepParams?.length ? `\n  keepParams: ${JSON.stringify(s.keepParams)},` : "";
  return `// npm install ../aurea/sdk  (the sdk/ folder of an Aurea checkout, see sdk/README.md)
import { createAurea } from "@aurea/sdk";

export const aurea = createAurea({
  apiUrl: "${s.origin}",
  funnelId: "${s.funnelId}",
  key: "${s.publicKey}",${capture}${keep}
});

// later: aurea.track("signup_started"); aurea.identify("user@example.com");`;
}

export function curlSnippet(s: SnippetInput): string {
  const body = JSON.stringify({
    funnelId: s.funnelId,
    events: [
      {
        id: "purchase:ord_1001",
        type: "conversion",
        name: "purchase",
        revenue: { amount: 49, currency: "EUR" },
        traits: { email: "customer@example.com" },
      },
    ],
  });
  return `curl -X POST '${s.origin}/api/track/events' \\
  -H 'Authorization: Bearer ${s.secretKey}' \\
  -H 'Content-Type: application/json' \\
  -d '${body}'`;
}

export function serverClientSnippet(s: SnippetInput): string {
  return `// .env on your server (never in page source):
// AUREA_SECRET_KEY=${s.secretKey}
import { createAureaServer } from "@aurea/sdk/server";

const aurea = createAureaServer({
  apiUrl: "${s.origin}",
  funnelId: "${s.funnelId}",
  secretKey: process.env.AUREA_SECRET_KEY!,
});

// e.g. in your payment webhook: counted once per orderId, as verified revenue
await aurea.conversion("purchase", { revenue: 49, currency: "EUR", orderId: "ord_1001", email: "customer@example.com" });`;
}
