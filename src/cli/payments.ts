// aurea payments add | list | remove | test: connect payment providers to a funnel.
import { ConfigError, DATA_FLAG, PUBLIC_URL_FLAG, parseFlags, resolveDataDir, resolvePublicUrl, type ParsedFlags } from "../config";
import { openStore, type Store } from "../db/open";
import { AppError } from "../http/errors";
import { getConnection } from "../payments/connections";
import { ADAPTERS } from "../payments/providers/index";
import { connectProvider, disconnectProvider, listConnectionViews, parseProvider, webhookUrl, type ConnectionView } from "../payments/setup";
import { signedTestDelivery } from "../payments/test-delivery";
import type { Command } from "./commands";

const FLAGS = {
  ...DATA_FLAG,
  ...PUBLIC_URL_FLAG,
  funnel: { type: "string" as const },
  secret: { type: "string" as const },
  "test-mode": { type: "boolean" as const },
  json: { type: "boolean" as const },
};

const FALLBACK_BASE = "http://localhost:8080";

async function withStore<T>(flags: ParsedFlags, fn: (store: Store) => Promise<T> | T): Promise<T> {
  const store = openStore(resolveDataDir(flags));
  try {
    return await fn(store);
  } catch (e) {
    if (e instanceof AppError) throw new ConfigError(`payments ${flags._[0]}: ${e.message}`);
    throw e;
  } finally {
    store.close();
  }
}

function funnelOf(flags: ParsedFlags): string {
  const id = flags.funnel as string | undefined;
  if (!id) throw new ConfigError(`payments ${flags._[0]}: --funnel ID is required`);
  return id;
}

function providerOf(flags: ParsedFlags): string {
  const p = flags._[1];
  if (!p) throw new ConfigError(`payments ${flags._[0]}: expected a provider: ${Object.keys(ADAPTERS).join(", ")}`);
  return p;
}

/** Where providers reach this server; without --public-url the URLs assume localhost:8080, and say so. */
function baseUrl(flags: ParsedFlags): string {
  const base = resolvePublicUrl(flags);
  if (!base && !flags.json) console.error(`Note: set --public-url (AUREA_PUBLIC_URL) to the address providers reach Aurea at; URLs below use ${FALLBACK_BASE}.`);
  return base ?? FALLBACK_BASE;
}

function printConnection(v: ConnectionView): void {
  const last = v.lastDelivery
    ? `last received ${new Date(v.lastDelivery.at).toISOString()}: ${v.lastDelivery.outcome}${v.lastDelivery.eventType ? ` (${v.lastDelivery.eventType})` : ""}`
    : "nothing received yet";
  console.log(`${v.label}${v.testMode ? " (test mode)" : ""}\n  webhook URL: ${v.url}\n  secret:      ${v.secret ?? "(token in the URL, shown when added)"}\n  events:      ${v.events.join(", ")}\n  ${last}`);
}

const sub: Record<string, (flags: ParsedFlags) => Promise<number>> = {
  async add(flags) {
    const funnelId = funnelOf(flags);
    const provider = providerOf(flags);
    const base = baseUrl(flags);
    return withStore(flags, (store) => {
      const r = connectProvider(store.db, funnelId, { provider, secret: flags.secret as string | undefined, testMode: Boolean(flags["test-mode"]) }, base, Date.now());
      const adapter = ADAPTERS[r.provider];
      if (flags.json) {
        console.log(JSON.stringify(r));
        return 0;
      }
      console.log(`${adapter.label} connected to funnel ${funnelId}.`);
      console.log(`  Webhook URL to paste into ${adapter.label}: ${r.url}`);
      if (r.provider === "gumroad") console.log("  The URL carries a secret token and is not shown again (add Gumroad again for a new one).");
      if (r.secret) console.log(`  Signing secret to paste into ${adapter.label} (not shown again): ${r.secret}`);
      console.log(`  Events to send: ${adapter.events.join(", ")}`);
      console.log("  Details per provider: docs/payments.md");
      return 0;
    });
  },
  async list(flags) {
    const funnelId = funnelOf(flags);
    const base = baseUrl(flags);
    return withStore(flags, (store) => {
      const views = listConnectionViews(store.db, store.sqlite, funnelId, base);
      if (flags.json) console.log(JSON.stringify(views));
      else if (!views.length) console.log(`No payment provider connected. Connect one: aurea payments add stripe --funnel ${funnelId} --secret whsec_…`);
      else views.forEach(printConnection);
      return 0;
    });
  },
  async remove(flags) {
    const funnelId = funnelOf(flags);
    const provider = providerOf(flags);
    return withStore(flags, (store) => {
      disconnectProvider(store.db, funnelId, provider);
      console.log(flags.json ? JSON.stringify({ provider: parseProvider(provider), funnelId, removed: true }) : `${ADAPTERS[parseProvider(provider)].label} disconnected from funnel ${funnelId}; its webhooks now get 404.`);
      return 0;
    });
  },
  async test(flags) {
    const funnelId = funnelOf(flags);
    const provider = parseProvider(providerOf(flags));
    const base = resolvePublicUrl(flags) ?? FALLBACK_BASE;
    const connection = await withStore(flags, (store) => getConnection(store.db, funnelId, provider));
    if (!connection) throw new ConfigError(`payments test: ${ADAPTERS[provider].label} is not connected to funnel ${funnelId}`);
    const delivery = signedTestDelivery(connection, Date.now());
    if (!delivery) {
      console.log("Gumroad is connected. Its URL token is stored hashed, so only Gumroad can call it: use Settings → Advanced → Ping → \"Send test ping\" in Gumroad, then `aurea payments list` shows what arrived.");
      return 0;
    }
    const url = webhookUrl(base, provider, funnelId);
    let status: number;
    let text: string;
    try {
      const res = await fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(10_000) });
      status = res.status;
      text = await res.text();
    } catch (e) {
      throw new ConfigError(`payments test: could not reach ${url}: ${(e as Error).message} (is the server running? --public-url / AUREA_PUBLIC_URL)`);
    }
    const ok = status === 200 && text.includes('"ignored"');
    if (flags.json) console.log(JSON.stringify({ provider, funnelId, url, ok, status, answer: text.slice(0, 500) }));
    else if (ok) console.log(`OK: ${url} verified a signed test event with the stored secret (the delivery log shows it as ignored).`);
    else console.error(`Failed: ${url} answered ${status}: ${text.slice(0, 500)}`);
    return ok ? 0 : 1;
  },
};

export const paymentsCommand: Command = {
  summary: "payment providers: add, list, remove, test (verified revenue from webhooks)",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    const action = flags._[0];
    const fn = action ? sub[action] : undefined;
    if (!fn) throw new ConfigError(`payments: expected ${Object.keys(sub).join(", ")}${action ? `, got "${action}"` : ""}`);
    return fn(flags);
  },
};
