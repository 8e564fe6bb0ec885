// aurea report send | schedule: email a funnel's digest now, or set who gets it weekly
// or monthly (the running server sends scheduled digests).
import { ConfigError, DATA_FLAG, MAIL_FLAGS, PUBLIC_URL_FLAG, parseFlags, resolveDataDir, resolveMail, resolvePublicUrl, type ParsedFlags } from "../config";
import { analyticsReader } from "../store/sqlite/dashboard/dashboard-reader";
import { openStore } from "../db/open";
import { getFunnel } from "../funnels/store";
import { createMailer, MailError } from "../mail/transport";
import { composeDigest } from "../reports/compose";
import { parseDigestPeriod, PeriodError, type Cadence } from "../reports/period";
import { normaliseAddress, subscribe, SubscriptionInputError, subscriptions, unsubscribe } from "../reports/subscriptions";
import { funnelTimeZone } from "../reports/zone";
import type { Command } from "./commands";
import { NO_SMTP } from "./mail";
import { EVENTS_FLAG, withEventReaders } from "./event-readers";

const FLAGS = {
  ...DATA_FLAG,
  ...PUBLIC_URL_FLAG,
  ...MAIL_FLAGS,
  ...EVENTS_FLAG,
  funnel: { type: "string" as const },
  period: { type: "string" as const },
  to: { type: "list" as const },
  weekly: { type: "boolean" as const },
  monthly: { type: "boolean" as const },
  off: { type: "boolean" as const },
  json: { type: "boolean" as const },
};

function addresses(flags: ParsedFlags, name: string): string[] {
  // --to a@x --to b@y, --to a@x,b@y, or --to a@x b@y (the words after the action).
  const raw = [...((flags.to as string[] | undefined) ?? []), ...flags._.slice(1)].flatMap((s) => s.split(","));
  try {
    return [...new Set(raw.map((s) => s.trim()).filter(Boolean).map(normaliseAddress))];
  } catch (e) {
    if (e instanceof SubscriptionInputError) throw new ConfigError(`report ${name}: --to: ${e.message}`);
    throw e;
  }
}

function funnelOf(flags: ParsedFlags, name: string): string {
  const id = flags.funnel as string | undefined;
  if (!id) throw new ConfigError(`report ${name}: --funnel ID is required`);
  return id;
}

async function send(flags: ParsedFlags): Promise<number> {
  const funnelId = funnelOf(flags, "send");
  const to = addresses(flags, "send");
  if (to.length !== 1) throw new ConfigError("report send: --to ADDR is required (one address)");
  const mail = resolveMail(flags);
  if (!mail) throw new ConfigError(`report send: ${NO_SMTP}`);
  const publicUrl = resolvePublicUrl(flags);
  const store = openStore(resolveDataDir(flags));
  try {
    const funnel = getFunnel(store.db, funnelId);
    if (!funnel) throw new ConfigError(`report send: there is no funnel ${funnelId}`);
    const tz = funnelTimeZone(store.db, funnelId);
    let period;
    try {
      period = parseDigestPeriod((flags.period as string | undefined) ?? "last-week", Date.now(), tz);
    } catch (e) {
      if (e instanceof PeriodError) throw new ConfigError(`report send: ${e.message}`);
      throw e;
    }
    const cadence: Cadence = period.kind === "last-month" ? "monthly" : "weekly";
    const { mail: message } = await withEventReaders(flags, store, (events) =>
      composeDigest({ reader: { ...analyticsReader(store.sqlite), dashboard: events.dashboard, journeys: events.journeys }, db: store.db, sqlite: store.sqlite, funnel, period, to: to[0], cadence, publicUrl }),
    );
    const mailer = createMailer(mail);
    try {
      const sent = await mailer.send(message);
      if (flags.json) console.log(JSON.stringify({ ok: true, to: to[0], funnelId, from: period.fromDate, to_date: period.toDate, subject: message.subject, response: sent.response }));
      else console.log(`Sent "${message.subject}" to ${to[0]} (${sent.response})`);
      if (!publicUrl && !flags.json) console.error("Note: without --public-url (AUREA_PUBLIC_URL) the digest has no dashboard link and no unsubscribe link.");
      return 0;
    } catch (e) {
      if (!(e instanceof MailError)) throw e;
      if (flags.json) console.log(JSON.stringify({ ok: false, to: to[0], kind: e.failure.kind, error: e.failure.line }));
      else console.error(`Failed (${e.failure.kind}): ${e.failure.line}`);
      return 1;
    } finally {
      mailer.close();
    }
  } finally {
    store.close();
  }
}

async function schedule(flags: ParsedFlags): Promise<number> {
  const funnelId = funnelOf(flags, "schedule");
  const chosen = (["weekly", "monthly", "off"] as const).filter((k) => flags[k]);
  if (chosen.length !== 1) throw new ConfigError("report schedule: give one of --weekly, --monthly or --off");
  const to = addresses(flags, "schedule");
  if (!to.length && chosen[0] !== "off") throw new ConfigError("report schedule: --to ADDR is required (one or more)");
  const store = openStore(resolveDataDir(flags));
  try {
    if (!getFunnel(store.db, funnelId)) throw new ConfigError(`report schedule: there is no funnel ${funnelId}`);
    const now = Date.now();
    store.sqlite.transaction(() => {
      if (chosen[0] === "off") {
        for (const s of subscriptions(store.sqlite, funnelId)) if (!to.length || to.includes(s.email)) unsubscribe(store.sqlite, funnelId, s.email, s.cadence);
      } else for (const e of to) subscribe(store.sqlite, funnelId, e, chosen[0], now);
    })();
    const list = subscriptions(store.sqlite, funnelId);
    if (flags.json) console.log(JSON.stringify({ funnelId, subscriptions: list.map((s) => ({ email: s.email, cadence: s.cadence })) }));
    else if (!list.length) console.log(`No digests are scheduled for funnel ${funnelId}.`);
    else {
      console.log(`Digests of funnel ${funnelId} (weekly: Mondays 09:00, monthly: the 1st at 09:00, ${funnelTimeZone(store.db, funnelId)}):`);
      for (const s of list) console.log(`  ${s.cadence.padEnd(7)} ${s.email}`);
      if (!resolveMail(flags)) console.error(`Note: the server sends them only with SMTP settings (--smtp-url / AUREA_SMTP_URL).`);
    }
    return 0;
  } finally {
    store.close();
  }
}

export const reportCommand: Command = {
  summary: "report send | schedule: email a funnel's digest now, or weekly/monthly",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    const action = flags._[0];
    if (action === "send") return send(flags);
    if (action === "schedule") return schedule(flags);
    throw new ConfigError(`report: expected send or schedule${action ? `, got "${action}"` : ""}`);
  },
};
