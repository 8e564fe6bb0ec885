// Event ids on disk: a lowercase UUID (what the SDK makes) is stored as its 16 bytes,
// anything else (payment ids, other clients' ids) as the text it is. The mapping is
// one-to-one, so the unique (funnel_id, id) index de-duplicates exactly as before and
// every reader gets back the string it was sent (docs/storage.md).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeEventId(id: string): string | Uint8Array {
  return UUID.test(id) ? Uint8Array.from(Buffer.from(id.replaceAll("-", ""), "hex")) : id;
}

export function decodeEventId(stored: string | Uint8Array): string {
  if (typeof stored === "string") return stored;
  const h = Buffer.from(stored).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
