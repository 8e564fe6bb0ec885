// aurea mail test --to ADDR: send one message with the SMTP settings and say, in one
// line, how the SMTP conversation ended.
import { ConfigError, MAIL_FLAGS, parseFlags, resolveMail } from "../config";
import { createMailer, MailError } from "../mail/transport";
import type { Command } from "./commands";

const FLAGS = { ...MAIL_FLAGS, to: { type: "string" as const }, json: { type: "boolean" as const } };

export const NO_SMTP = "no SMTP server is set: pass --smtp-url smtp://user:pass@host:587 (or AUREA_SMTP_URL) and --mail-from (or AUREA_MAIL_FROM)";

export const mailCommand: Command = {
  summary: "mail test --to ADDR: check the SMTP settings by sending a test message",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    if (flags._[0] !== "test") throw new ConfigError(`mail: expected "test"${flags._[0] ? `, got "${flags._[0]}"` : ""}`);
    const to = flags.to as string | undefined;
    if (!to || !/^[^\s@<>]+@[^\s@<>]+$/.test(to)) throw new ConfigError("mail test: --to ADDR is required (one address)");
    const config = resolveMail(flags);
    if (!config) throw new ConfigError(`mail test: ${NO_SMTP}`);
    const mailer = createMailer(config);
    try {
      const sent = await mailer.send({
        to,
        subject: "Aurea test message",
        text: `This is a test message from Aurea, sent through ${config.shown} from ${config.from}.\nIf you can read it, digests and alerts can reach ${to}.\n`,
      });
      if (flags.json) console.log(JSON.stringify({ ok: true, to, server: config.shown, response: sent.response }));
      else console.log(`OK: ${config.shown} accepted the test message for ${to} (${sent.response})`);
      return 0;
    } catch (e) {
      if (!(e instanceof MailError)) throw e;
      if (flags.json) console.log(JSON.stringify({ ok: false, to, server: config.shown, kind: e.failure.kind, error: e.failure.line }));
      else console.error(`Failed (${e.failure.kind}): ${e.failure.line}`);
      return 1;
    } finally {
      mailer.close();
    }
  },
};
