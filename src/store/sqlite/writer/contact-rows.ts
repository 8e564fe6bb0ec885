// The contacts table as every event writer changes it (the SQLite store's, and the
// ClickHouse store's, whose contacts stay in SQLite): find a person by email or user
// id, create one, note what an event says of them, count their conversions.
import type { Database } from "bun:sqlite";
import type { ContactKey } from "../../event-writer";

export class ContactRows {
  private byEmail;
  private byUser;
  protected insert;
  protected touch;
  private addConversion;
  private adjust;

  constructor(sqlite: Database) {
    this.byEmail = sqlite.prepare<{ id: number }, [string, string]>("SELECT id FROM contacts WHERE funnel_id = ? AND email = ?");
    this.byUser = sqlite.prepare<{ id: number }, [string, string]>("SELECT id FROM contacts WHERE funnel_id = ? AND user_id = ?");
    this.insert = sqlite.prepare<{ id: number }, [string, string | null, string | null, number, number, string | null, string | null]>(
      `INSERT INTO contacts (funnel_id, email, user_id, first_seen, last_seen, first_channel, first_source)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    );
    this.touch = sqlite.prepare(
      `UPDATE contacts SET last_seen = max(last_seen, $ts), first_seen = min(first_seen, $ts),
        email = coalesce(email, $email), user_id = coalesce(user_id, $userId), name = coalesce($name, name),
        traits = CASE WHEN $traits IS NULL THEN traits ELSE json_patch(traits, $traits) END
       WHERE id = $id`,
    );
    this.addConversion = sqlite.prepare(
      `UPDATE contacts SET conversions = conversions + 1, last_seen = max(last_seen, $ts),
        revenue = CASE WHEN $currency IS NULL THEN revenue
          ELSE json_set(revenue, '$.' || $currency, coalesce(json_extract(revenue, '$.' || $currency), 0) + $minor) END
       WHERE id = $id`,
    );
    this.adjust = sqlite.prepare(
      `UPDATE contacts SET revenue = json_set(revenue, '$.' || $currency, coalesce(json_extract(revenue, '$.' || $currency), 0) + $minor)
       WHERE id = $id`,
    );
  }

  find(funnelId: string, key: ContactKey): number | null {
    const byEmail = key.email ? this.byEmail.get(funnelId, key.email) : null;
    if (byEmail) return byEmail.id;
    const byUser = key.userId ? this.byUser.get(funnelId, key.userId) : null;
    return byUser?.id ?? null;
  }

  conversion(contactId: number, ts: number, currency: string | null, minor: number | null): void {
    this.addConversion.run({ id: contactId, ts, currency: minor !== null ? currency : null, minor: minor ?? 0 });
  }

  /** Takes a superseded conversion's revenue back out of the contact's total (negative minor). */
  adjustRevenue(contactId: number, currency: string, minor: number): void {
    this.adjust.run({ id: contactId, currency, minor });
  }

  /** The contact of an email, created when new, without linking a visitor (a payment with no visit). */
  ensureByEmail(funnelId: string, email: string, ts: number): { id: number; created: boolean } {
    const id = this.find(funnelId, { email, userId: null });
    if (id !== null) {
      this.touch.run({ id, ts, email, userId: null, name: null, traits: null });
      return { id, created: false };
    }
    return { id: this.insert.get(funnelId, email, null, ts, ts, null, null)!.id, created: true };
  }
}
