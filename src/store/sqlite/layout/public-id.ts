// Public ids on disk (event, visit and visitor ids): a lowercase UUID (what the SDK makes)
// is stored as its 16 bytes, anything else (payment ids, other clients' ids) as the text
// it is. The mapping is one-to-one, so a unique index de-duplicates exactly as on the
// text, and every reader gets back the string it was sent (docs/storage.md).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type StoredPublicId = string | Uint8Array;

export function encodePublicId(id: string): StoredPublicId {
  return UUID.test(id) ? Uint8Array.from(Buffer.from(id.replaceAll("-", ""), "hex")) : id;
}

export function decodePublicId(stored: StoredPublicId): string {
  if (typeof stored === "string") return stored;
  const h = Buffer.from(stored).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The same encoding in SQL, for a column or parameter holding the text id (conversions, one-off reads). */
export function encodePublicIdSql(expr: string): string {
  return `CASE WHEN length(${expr}) = 36 AND ${expr} GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]' THEN unhex(replace(${expr}, '-', '')) ELSE ${expr} END`;
}

/** The decoding in SQL (lowercase UUID text from 16 bytes), for exports and reads that need text in SQL. */
export function decodePublicIdSql(expr: string): string {
  return `CASE WHEN typeof(${expr}) = 'blob' THEN lower(substr(hex(${expr}), 1, 8) || '-' || substr(hex(${expr}), 9, 4) || '-' || substr(hex(${expr}), 13, 4) || '-' || substr(hex(${expr}), 17, 4) || '-' || substr(hex(${expr}), 21)) ELSE ${expr} END`;
}
