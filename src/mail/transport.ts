// Sending one message over SMTP with nodemailer, and saying in one line what went
// wrong when it fails (the SMTP conversation's outcome, not a stack trace).
import nodemailer from "nodemailer";
import type { MailConfig } from "../config";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** A stable Message-ID (e.g. per digest and recipient), so duplicates are recognisable. */
  messageId?: string;
}

export interface Sent {
  messageId: string;
  response: string;
}

/** Why a send failed, classified; `retry`: worth trying again later (temporary). */
export interface MailFailure {
  kind: "auth" | "tls" | "connection" | "recipient" | "sender" | "rejected" | "timeout" | "other";
  retry: boolean;
  line: string;
}

export class MailError extends Error {
  constructor(readonly failure: MailFailure) {
    super(failure.line);
  }
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<Sent>;
  close(): void;
}

export function createMailer(config: MailConfig, timeoutMs = 20_000): Mailer {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.pass ?? "" } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mail.headers,
          messageId: mail.messageId,
        });
        const rejected = (info.rejected ?? []).map(String);
        if (rejected.length) throw new MailError({ kind: "recipient", retry: false, line: `the server refused the recipient ${rejected.join(", ")}` });
        return { messageId: info.messageId, response: info.response };
      } catch (e) {
        throw e instanceof MailError ? e : new MailError(describeSmtpError(e, config));
      }
    },
    close() {
      transport.close();
    },
  };
}

interface SmtpErrorish {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

/** nodemailer's error → one line a person can act on. */
export function describeSmtpError(e: unknown, config: Pick<MailConfig, "host" | "port">): MailFailure {
  const err = (e ?? {}) as SmtpErrorish;
  const where = `${config.host}:${config.port}`;
  const said = err.response ? ` (server said: ${err.response.replace(/\s+/g, " ").slice(0, 200)})` : "";
  const temporary = err.responseCode !== undefined && err.responseCode >= 400 && err.responseCode < 500;
  const msg = err.message ?? String(e);
  switch (err.code) {
    case "EAUTH":
      return { kind: "auth", retry: temporary, line: `authentication failed at ${where}: check the user and password in --smtp-url${said}` };
    case "ETLS":
      return { kind: "tls", retry: false, line: `TLS failed with ${where}: ${msg} (smtps:// is TLS from the start, usually port 465; smtp:// upgrades with STARTTLS, usually 587)` };
    case "ECONNECTION":
    case "ESOCKET":
    case "EDNS":
      if (/certificate|self[- ]signed|SSL|TLS|wrong version/i.test(msg)) {
        return { kind: "tls", retry: false, line: `TLS failed with ${where}: ${msg} (smtps:// is TLS from the start, usually port 465; smtp:// upgrades with STARTTLS, usually 587)` };
      }
      if (/ECONNREFUSED|refused/i.test(msg)) return { kind: "connection", retry: true, line: `connection refused by ${where}: is the SMTP server running and the port right?` };
      return { kind: "connection", retry: true, line: `could not talk to ${where}: ${msg}` };
    case "ETIMEDOUT":
      return { kind: "timeout", retry: true, line: `${where} did not answer in time: ${msg}` };
    case "EENVELOPE": {
      const recipient = /RCPT/i.test(err.command ?? "");
      return {
        kind: recipient ? "recipient" : "sender",
        retry: temporary,
        line: recipient ? `the server refused the recipient${said}` : `the server refused the sender address (--mail-from)${said}`,
      };
    }
    case "EMESSAGE":
      return { kind: "rejected", retry: temporary, line: `the server refused the message${said}` };
  }
  if (err.responseCode) return { kind: "rejected", retry: temporary, line: `the server answered ${err.responseCode}${said || `: ${msg}`}` };
  return { kind: "other", retry: true, line: `sending failed: ${msg}` };
}
