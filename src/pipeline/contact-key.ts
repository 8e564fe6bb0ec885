// Who an event names, if anyone: pure, computed before the writer ties it to a contact.
import type { QueuedEvent } from "../ingest/validate";
import type { ContactKey } from "../store/event-writer";

/** Identify by userId or email, or any event carrying traits.email. */
export function contactKeyOf(e: QueuedEvent): ContactKey | null {
  const rawEmail = e.traits?.email;
  const email = typeof rawEmail === "string" && rawEmail.includes("@") ? rawEmail.trim().toLowerCase() : null;
  let userId = e.userId ?? null;
  // identify("someone@example.com") from the SDK: an email given as the user id.
  if (e.type === "identify" && userId && userId.includes("@") && !email) return { email: userId.trim().toLowerCase(), userId: null };
  if (e.type !== "identify" && e.type !== "conversion") userId = null;
  if (!email && !userId) return null;
  return { email, userId };
}
