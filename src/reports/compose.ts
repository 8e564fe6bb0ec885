// One digest message for one recipient: the numbers, both parts, the subject and the
// RFC 8058 unsubscribe headers (only with --public-url: the link must reach us).
import type { Database } from "bun:sqlite";
import type { ClockedReader } from "../store/sqlite/dashboard/dashboard-reader";
import type { Db } from "../db/open";
import type { Funnel } from "../funnels/store";
import type { OutgoingMail } from "../mail/transport";
import { digestHtml } from "../../views/reports/digest-html";
import { subjectOf } from "../../views/reports/digest-format";
import { digestText } from "../../views/reports/digest-text";
import { digestData, type DigestData } from "./digest-data";
import type { Cadence, DigestPeriod } from "./period";
import { unsubscribeToken, unsubscribeUrl } from "./unsubscribe";

export interface ComposeInput {
  reader: ClockedReader;
  db: Db;
  sqlite: Database;
  funnel: Funnel;
  period: DigestPeriod;
  to: string;
  /** The subscription the unsubscribe link ends; one-off sends use the period's cadence if any. */
  cadence: Cadence;
  publicUrl: string | null;
  messageId?: string;
}

export async function composeDigest(input: ComposeInput): Promise<{ mail: OutgoingMail; data: DigestData }> {
  const data = await digestData(input.reader, input.db, input.funnel, input.period, input.publicUrl);
  const now = input.reader.now();
  const unsub = input.publicUrl
    ? unsubscribeUrl(input.publicUrl, unsubscribeToken(input.sqlite, { funnelId: input.funnel.id, email: input.to.toLowerCase(), cadence: input.cadence }, now))
    : null;
  const headers: Record<string, string> = { "X-Aurea-Funnel": input.funnel.id, "X-Aurea-Period": `${data.period.fromDate}..${data.period.toDate}` };
  if (unsub) {
    headers["List-Unsubscribe"] = `<${unsub}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }
  return {
    data,
    mail: { to: input.to, subject: subjectOf(data), text: digestText(data, unsub), html: digestHtml(data, unsub), headers, messageId: input.messageId },
  };
}
