import type { Command } from "./commands";

export const DETAILS: Record<string, string> = {
  serve: `aurea serve [flags]
  --port N              port to listen on (AUREA_PORT, default 8080)
  --host HOST           address to bind (AUREA_HOST, default 0.0.0.0)
  --data DIR            data directory (AUREA_DATA_DIR, default ./aurea-data)
  --geoip PATH          a GeoIP .mmdb (e.g. GeoLite2-City) instead of the embedded DB-IP country database (AUREA_GEOIP_DB)
  --trust-proxy         honour X-Forwarded-For / X-Real-IP from a reverse proxy (AUREA_TRUST_PROXY)
  --allow-private-webhooks  let automations call private/loopback addresses (AUREA_ALLOW_PRIVATE_WEBHOOKS)
  --rate-limit N        ingest requests per minute per IP for public keys; 0 = off (AUREA_RATE_LIMIT, default 6000)
  --queue-high-water N  pending batches before ingest answers 503 (AUREA_QUEUE_HIGH_WATER, default 20000)

Example: aurea serve --port 8080 --data /var/lib/aurea`,
  funnel: `aurea funnel create --name NAME --url URL [--origin ORIGIN ...] [--json]
  Register a funnel; prints its id and its keys (shown once).
aurea funnel list [--json]
aurea funnel rotate-keys ID [--json]
  New public and secret keys; the old ones stop working at once.
All take --data DIR (AUREA_DATA_DIR) and work while the server runs.

Example: aurea funnel create --name "Launch" --url https://launch.example --json`,
};

export function helpText(commands: Record<string, Command>, topic?: string): string {
  if (topic && DETAILS[topic]) return DETAILS[topic];
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `Aurea: self-hosted funnel and conversion analytics.

Usage: aurea <command> [flags]

Commands:
${lines.join("\n")}
  help${" ".repeat(Math.max(0, width - 4))}  this text; \`aurea help COMMAND\` for its flags

Quick start:
  aurea serve                       # http://localhost:8080, data in ./aurea-data
  aurea funnel create --name Shop --url https://shop.example`;
}
