import type { Command } from "./commands";

export const DETAILS: Record<string, string> = {
  automation: `aurea automation list FUNNEL_ID [--json]
aurea automation show FUNNEL_ID RULE_ID [--json]
aurea automation create FUNNEL_ID --file rule.json [--json]
  Create a rule from a JSON file (- reads standard input); prints its id and its
  whsec_ signing secret (shown once). The JSON is the API's shape, e.g.
  {"name": "Purchases to n8n", "trigger": {"type": "event", "name": "purchase"},
   "action": {"type": "webhook", "url": "https://hooks.example.com/aurea"}}
aurea automation pause|resume|delete FUNNEL_ID RULE_ID [--json]
aurea automation test FUNNEL_ID RULE_ID [--json]
  Queue a sample delivery; the running server sends it.
aurea automation deliveries FUNNEL_ID RULE_ID [--json]
  The delivery log: status, attempts, last answer.
All take --data DIR (AUREA_DATA_DIR); create takes --allow-private-webhooks
(AUREA_ALLOW_PRIVATE_WEBHOOKS) for receivers on a private network. See the README, "Automations".

Example: aurea automation create fn_abc123 --file rule.json --json`,
  payments: `aurea payments add PROVIDER --funnel ID [--secret S] [--test-mode] [--json]
  Connect stripe, paddle, lemonsqueezy, whop or gumroad: prints the webhook URL to paste into
  the provider and the events to send. --secret is the provider's signing secret (Stripe whsec_…,
  Paddle's notification secret key, Whop's webhook secret; Lemon Squeezy: Aurea makes one if left
  out). Gumroad needs none: its URL carries a random token, shown once. Adding again replaces the
  secret (or makes a new Gumroad URL). --test-mode records every payment as a test (Paddle sandbox).
  --json prints {"provider","funnelId","url"}.
aurea payments list --funnel ID [--json]
  Connections with their URL, masked secret, events and the last delivery received.
aurea payments remove PROVIDER --funnel ID
aurea payments test PROVIDER --funnel ID
  Sends a correctly signed test event to the running server through the webhook URL and checks
  that it is verified (Gumroad: use Gumroad's "Send test ping").
All take --data DIR (AUREA_DATA_DIR) and --public-url URL (AUREA_PUBLIC_URL, the address providers
reach this server at; default http://localhost:8080). See docs/payments.md.

Example: aurea payments add stripe --funnel fn_abc123 --secret whsec_… --public-url https://aurea.example`,
  experiment: `aurea experiment create --funnel ID --key KEY --variants a:50,b:50 --metric METRIC [--json]
    [--secondary METRIC ...] [--split-url b=https://… ...] [--mde 10%]
  Start a split test. METRIC is step:N (reaching funnel step N), conversion:NAME or revenue
  (verified net revenue per visitor). 2–4 variants, whole-percent weights summing to 100; the first
  is the control. --split-url gives a variant its own page (the control stays at the funnel's URL
  unless given one); --mde is the lift the test is sized for (default 10%).
aurea experiment list --funnel ID [--key KEY] [--json]
aurea experiment stop --funnel ID --key KEY [--winner b] [--json]
  With --winner everyone sees that variant from now on; without, everyone sees the control.
aurea experiment results --funnel ID --key KEY [--json]
  Per variant: visitors, conversions, rate with 95% interval, revenue per visitor, probability to
  beat the control, expected loss, p-value; a sample ratio mismatch warning when it fires.
All take --data DIR (AUREA_DATA_DIR). See docs/experiments.md.

Example: aurea experiment create --funnel fn_abc123 --key headline --variants a:50,b:50 --metric revenue`,
  serve: `aurea serve [flags]
  --port N              port to listen on (AUREA_PORT, default 8080)
  --host HOST           address to bind (AUREA_HOST, default 0.0.0.0)
  --data DIR            data directory (AUREA_DATA_DIR, default ./aurea-data)
  --geoip PATH          a GeoIP .mmdb (e.g. GeoLite2-City) instead of the embedded DB-IP country database (AUREA_GEOIP_DB)
  --trust-proxy [N|CIDRS]  behind a reverse proxy: take the client address from X-Forwarded-For, believing
                        only the last hop (bare flag), the last N hops (e.g. 2 for a CDN in front of Caddy),
                        or proxies in the listed networks (10.0.0.0/8,...) (AUREA_TRUST_PROXY)
  --allow-private-webhooks  let automations call private/loopback addresses (AUREA_ALLOW_PRIVATE_WEBHOOKS)
  --rate-limit N        ingest requests per minute per IP for public keys; 0 = off (AUREA_RATE_LIMIT, default 6000)
  --queue-high-water N  pending batches before ingest answers 503 (AUREA_QUEUE_HIGH_WATER, default 20000)
  --reader-threads N    threads running dashboard and API queries (AUREA_READER_THREADS, default 1)
  --query-timeout S     seconds before a report is stopped as too slow (AUREA_QUERY_TIMEOUT, default 10)
  --min-free-disk SIZE  free disk space under which new batches get 503 storage_full: 256MB, 2GB, 5%, 0 = off
                        (AUREA_MIN_FREE_DISK, default 256MB)
  --metrics-token T     serve GET /metrics to "Authorization: Bearer T" (AUREA_METRICS_TOKEN); without it,
                        only to direct requests from this host (no X-Forwarded-For/Forwarded)
  --backup-dir DIR      make scheduled backups into DIR/aurea-<UTC time>/ (AUREA_BACKUP_DIR)
  --backup-every 6h     how often: s, m, h or d (AUREA_BACKUP_EVERY, default 6h)
  --backup-keep N       complete backups to keep, newest first (AUREA_BACKUP_KEEP, default 7)
  --public-url URL      how the world reaches this server, for webhook URLs to paste into payment providers
                        (AUREA_PUBLIC_URL, default: the address the dashboard is opened at)
  --smtp-url URL        smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465, for digests and alerts (AUREA_SMTP_URL)
  --mail-from ADDR      the From of digests and alerts, e.g. "Aurea <reports@example.com>" (AUREA_MAIL_FROM)
  --events URL          where events and visits are stored: sqlite (default, in --data) or a ClickHouse server,
                        clickhouse://user:pass@host:8123/db, clickhouses://… for TLS (AUREA_EVENTS_URL);
                        the password is never printed. See docs/clickhouse.md

Example: aurea serve --port 8080 --data /var/lib/aurea`,
  funnel: `aurea funnel create --name NAME --url URL [--origin ORIGIN ...] [--json]
  Register a funnel; prints its id and its keys (shown once).
aurea funnel list [--json]
aurea funnel rotate-keys ID [--json]
  New public and secret keys; the old ones stop working at once.
aurea funnel rotate-public-key ID [--json]
  A new public key alone (the secret key is unchanged); update data-key on your pages.
aurea funnel steps ID [--file steps.json | --file -] [--json]
  Without --file, print the funnel's steps as JSON; with it, validate and save them
  (nothing is saved if any step is wrong). Shape: the README, "Funnel steps"
All take --data DIR (AUREA_DATA_DIR) and work while the server runs.

Example: aurea funnel create --name "Launch" --url https://launch.example --json`,
  user: `aurea user create --email EMAIL [--role owner|viewer] [--funnels ID,ID|all] --password-stdin [--json]
  Add a dashboard user (owner: sees and changes every funnel; viewer: reads only the
  funnels granted with --funnels). "add" is the same command.
aurea user grant --email EMAIL --funnels ID,ID|all [--json]
aurea user revoke --email EMAIL --funnels ID,ID|all [--json]
  Give a viewer funnels to see, or take them away (they also stop getting their digests).
aurea user reset-password --email EMAIL --password-stdin
  Set a new password; the user's sessions are signed out and failed sign-ins forgotten.
aurea user unlock --email EMAIL [--json]
  Forget the account's failed sign-ins (which slow its sign-in down), e.g. after an attack.
aurea user list [--json]
Passwords are read from standard input (at least 10 characters). All take --data DIR (AUREA_DATA_DIR).

Example: printf '%s' "$PASSWORD" | aurea user create --email ana@example.com --role viewer --funnels fn_abc123 --password-stdin`,
  mail: `aurea mail test --to ADDR [--smtp-url URL] [--mail-from ADDR] [--json]
  Send a test message and print how the SMTP conversation ended in one line
  (accepted, authentication failed, TLS failed, recipient refused, connection refused).
  Reads AUREA_SMTP_URL and AUREA_MAIL_FROM like serve. See docs/reports.md.

Example: AUREA_SMTP_URL=smtps://me:secret@smtp.example.com:465 aurea mail test --to me@example.com`,
  report: `aurea report send --funnel ID --period last-week|last-month|YYYY-MM-DD..YYYY-MM-DD --to ADDR [--json]
  Email one digest now: visitors, conversions, verified net revenue and revenue per visitor
  against the previous period, the steps that lose most visitors, top sources and landing pages.
aurea report schedule --funnel ID --weekly|--monthly|--off --to ADDR [--to ADDR ...] [--json]
  Who gets the digest: weekly (Mondays 09:00) or monthly (the 1st, 09:00) in the funnel's time zone;
  --off removes the addresses given (all of them without --to). The running server sends them.
All take --data DIR; send takes --smtp-url/--mail-from (AUREA_SMTP_URL, AUREA_MAIL_FROM) and
--public-url (AUREA_PUBLIC_URL) for the dashboard and unsubscribe links. See docs/reports.md.

Example: aurea report send --funnel fn_abc123 --period last-week --to me@example.com`,
  alert: `aurea alert add --funnel ID --kind KIND --to ADDR [--to ADDR ...] [--window 1h] [settings] [--json]
  KIND and its settings:
    sale               --mode each|daily  (each verified sale, or yesterday's sales at 09:00)
    conversion_drop    --percent 50 --min 30   (today's rate vs the same weekday's, 4 weeks)
    traffic_spike      --percent 200 --min 30  (last hour's visitors vs the same hour, 4 weeks)
    webhook_failures   --min 1   (automation deliveries failed for good in the window)
    parked_batches     --min 1   (ingest batches parked, server-wide)
    disk_low           --free-mb 1024
  Each alert mails at most once per window (default: 1d for drops, disk and parked batches,
  6h for spikes, 1h for webhook failures), with the reason in the subject.
aurea alert list --funnel ID [--json]
aurea alert remove ALERT_ID --funnel ID
All take --data DIR. The running server needs --smtp-url to send them. See docs/reports.md.

Example: aurea alert add --funnel fn_abc123 --kind sale --to me@example.com`,
  "seed-demo": `aurea seed-demo --create [--name NAME] | --funnel ID [--events N] [--days D] [--seed S] [--json]
  Fill a new demo funnel (--create), or an existing one, with realistic traffic written straight into the
  database: channels and campaigns, devices, countries, landing pages, returning visitors, identified
  contacts, custom events, conversions with revenue (verified and not). Default 100,000 events over 90 days.
  Takes --data DIR (AUREA_DATA_DIR); safe while the server runs.

Example: aurea seed-demo --create --events 1000000 --days 90`,
};

DETAILS.doctor = `aurea doctor [--data D] [--accept] [--json]
  Check aurea.db and queue.db without changing them: headers and sizes, SQLite's
  quick_check whatever their size, and the damage a start recorded (a lost WAL).
  Exits 1 and says what to do when something is wrong. --accept clears recorded damage
  once you have decided to go on with the data as it is. See docs/operations.md,
  "Damaged files". Takes --data DIR (AUREA_DATA_DIR).

Example: aurea doctor --data /var/lib/aurea`;

DETAILS.backup = `aurea backup DIR [--data D] [--json]
  Copy aurea.db and queue.db (acknowledged events not yet processed) into DIR, a new or
  empty directory, while the server keeps serving; check each copy with SQLite's
  integrity check and write DIR/manifest.json (version, time, files, sizes, checksums,
  event count). --json prints {"dir","files","events","bytes","integrity"}.
  Scheduled backups: aurea serve --backup-dir DIR --backup-every 6h --backup-keep 7.
  Takes --data DIR (AUREA_DATA_DIR). See docs/operations.md, "Backups".

Example: aurea backup /var/backups/aurea/$(date -u +%Y%m%dT%H%M%SZ) --json`;

DETAILS.restore = `aurea restore DIR [--data D] [--json]
  Check the backup in DIR against its manifest (sizes, checksums, integrity), refuse if
  a server or command has the data directory's databases open, set the current files
  aside in D/replaced-<time>/, and put the backup in place. Start the server afterwards.
  Takes --data DIR (AUREA_DATA_DIR).

Example: systemctl stop aurea && aurea restore /var/backups/aurea/20260601T000000Z --data /var/lib/aurea`;

DETAILS.events = `aurea events migrate --to clickhouse://user:pass@host:8123/db [--data D] [--chunk N]
  Copy the data directory's event history (events, visits, visitor → contact links, every
  funnel) from SQLite into ClickHouse, so the server can run with --events. Stop the server
  first (it refuses while one runs on D); afterwards start it with --events and the same URL.
  Resumable: killed or interrupted, the same command continues where it stopped, without
  storing anything twice. Prints progress every 2 s. --to may come from AUREA_EVENTS_URL;
  the password is never printed. --chunk: rows per insert (default 20000; a resumed copy
  keeps its own). The SQLite history is left as it was. See docs/clickhouse.md.

Example: systemctl stop aurea && aurea events migrate --data /var/lib/aurea --to clickhouse://aurea:secret@ch.internal:8123/aurea`;

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
