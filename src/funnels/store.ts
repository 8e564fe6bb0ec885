// Funnels: load, validate and save. The one module that reads and writes the funnels table.
import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { funnels } from "../db/schema";
import { stampPathOfDb, touchStamp } from "./change-stamp";
import { hashKey, keyPrefix, newFunnelId, newKey, type KeyKind } from "./keys";

export type FunnelRow = typeof funnels.$inferSelect;

export interface Funnel {
  id: string;
  name: string;
  description: string;
  url: string;
  origins: string[];
  /** The full public key; null for funnels made before it was kept in clear (only its hash is known). */
  publicKey: string | null;
  publicKeyPrefix: string;
  secretKeyPrefix: string;
  capture: Record<string, boolean>;
  /** Query parameters kept in recorded URLs besides campaign tags and click ids. */
  keptParams: string[];
  retentionDays: number | null;
  botsDropped: number;
  firstEventAt: number | null;
  createdAt: number;
}

export interface IssuedKeys {
  publicKey: string;
  secretKey: string;
}

export class FunnelInputError extends Error {}

export function toFunnel(row: FunnelRow): Funnel {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    url: row.url,
    origins: JSON.parse(row.origins) as string[],
    publicKey: row.publicKey,
    publicKeyPrefix: row.publicKeyPrefix,
    secretKeyPrefix: row.secretKeyPrefix,
    capture: JSON.parse(row.capture) as Record<string, boolean>,
    keptParams: JSON.parse(row.keptParams) as string[],
    retentionDays: row.retentionDays,
    botsDropped: row.botsDropped,
    firstEventAt: row.firstEventAt,
    createdAt: row.createdAt,
  };
}

/** "https://Shop.example:443/x" → "https://shop.example"; throws on anything but http(s). */
export function normaliseOrigin(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new FunnelInputError(`"${raw}" is not a URL (expected e.g. https://shop.example)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new FunnelInputError(`"${raw}" must start with http:// or https://`);
  }
  return u.origin;
}

export interface FunnelInput {
  name: string;
  url: string;
  origins?: string[];
  description?: string;
  capture?: Record<string, boolean>;
}

export function validateFunnelInput(input: FunnelInput): { name: string; url: string; origins: string[] } {
  const name = input.name?.trim() ?? "";
  if (!name) throw new FunnelInputError("name: must not be empty");
  if (name.length > 200) throw new FunnelInputError("name: must be at most 200 characters");
  const urlOrigin = normaliseOrigin(input.url ?? "");
  const url = new URL(input.url.trim()).toString();
  const origins = input.origins?.length ? input.origins.map(normaliseOrigin) : [urlOrigin];
  return { name, url, origins: [...new Set(origins)] };
}

export function createFunnel(db: Db, input: FunnelInput, now = Date.now()): { funnel: Funnel } & IssuedKeys {
  const valid = validateFunnelInput(input);
  const publicKey = newKey("public");
  const secretKey = newKey("secret");
  const row = db
    .insert(funnels)
    .values({
      id: newFunnelId(),
      name: valid.name,
      description: input.description?.trim() ?? "",
      url: valid.url,
      origins: JSON.stringify(valid.origins),
      ...publicKeyColumns(publicKey),
      secretKeyHash: hashKey(secretKey),
      secretKeyPrefix: keyPrefix(secretKey),
      capture: JSON.stringify(input.capture ?? {}),
      createdAt: now,
    })
    .returning()
    .get();
  return { funnel: toFunnel(row), publicKey, secretKey };
}

export function listFunnels(db: Db): Funnel[] {
  return db.select().from(funnels).orderBy(desc(funnels.createdAt)).all().map(toFunnel);
}

export function getFunnel(db: Db, id: string): Funnel | null {
  const row = db.select().from(funnels).where(eq(funnels.id, id)).get();
  return row ? toFunnel(row) : null;
}

/** New keys for both kinds; the old ones stop working at once. */
export function rotateKeys(db: Db, id: string): IssuedKeys | null {
  const publicKey = newKey("public");
  const secretKey = newKey("secret");
  const updated = db
    .update(funnels)
    .set({
      ...publicKeyColumns(publicKey),
      secretKeyHash: hashKey(secretKey),
      secretKeyPrefix: keyPrefix(secretKey),
    })
    .where(eq(funnels.id, id))
    .returning({ id: funnels.id })
    .get();
  touchStamp(stampPathOfDb(db));
  return updated ? { publicKey, secretKey } : null;
}

/** A new public key alone (the secret key keeps working); pages must be updated with it. */
export function rotatePublicKey(db: Db, id: string): string | null {
  const publicKey = newKey("public");
  const updated = db.update(funnels).set(publicKeyColumns(publicKey)).where(eq(funnels.id, id)).returning({ id: funnels.id }).get();
  touchStamp(stampPathOfDb(db));
  return updated ? publicKey : null;
}

/** The public key is not a secret (it is in page source): kept in clear, plus the hash ingest looks it up by. */
function publicKeyColumns(publicKey: string) {
  return { publicKey, publicKeyHash: hashKey(publicKey), publicKeyPrefix: keyPrefix(publicKey) };
}

export function updateFunnel(
  db: Db,
  id: string,
  changes: Partial<Pick<FunnelInput, "name" | "url" | "origins" | "description">> & { retentionDays?: number | null },
): Funnel | null {
  const current = getFunnel(db, id);
  if (!current) return null;
  const valid = validateFunnelInput({
    name: changes.name ?? current.name,
    url: changes.url ?? current.url,
    origins: changes.origins ?? current.origins,
  });
  if (changes.retentionDays != null && (!Number.isInteger(changes.retentionDays) || changes.retentionDays < 1)) {
    throw new FunnelInputError("retention: must be a whole number of days, at least 1");
  }
  const row = db
    .update(funnels)
    .set({
      name: valid.name,
      url: valid.url,
      origins: JSON.stringify(valid.origins),
      description: changes.description ?? current.description,
      retentionDays: changes.retentionDays === undefined ? current.retentionDays : changes.retentionDays,
    })
    .where(eq(funnels.id, id))
    .returning()
    .get();
  touchStamp(stampPathOfDb(db));
  return row ? toFunnel(row) : null;
}

/** The query parameters this funnel keeps in recorded URLs (names checked by parseKeptParams). */
export function setKeptParams(db: Db, id: string, params: string[]): boolean {
  return db.update(funnels).set({ keptParams: JSON.stringify(params) }).where(eq(funnels.id, id)).returning({ id: funnels.id }).all().length > 0;
}

export function deleteFunnel(db: Db, id: string): boolean {
  const deleted = db.delete(funnels).where(eq(funnels.id, id)).returning({ id: funnels.id }).all().length > 0;
  touchStamp(stampPathOfDb(db));
  return deleted;
}

// Every read API request authenticates (ingest keeps its own copy, ingest/auth.ts): prepare the lookup once per database.
const byIdStatements = new WeakMap<Db, { get(p: { id: string }): FunnelRow | undefined }>();

function selectById(db: Db) {
  let stmt = byIdStatements.get(db);
  if (!stmt) {
    stmt = db.select().from(funnels).where(eq(funnels.id, sql.placeholder("id"))).prepare();
    byIdStatements.set(db, stmt);
  }
  return stmt;
}

/** The funnel a key belongs to, and which kind of key it is. */
export function funnelForKey(db: Db, id: string, key: string, kind: KeyKind): Funnel | null {
  const row = selectById(db).get({ id });
  if (!row) return null;
  const hash = hashKey(key);
  const expected = kind === "public" ? row.publicKeyHash : row.secretKeyHash;
  return hash === expected ? toFunnel(row) : null;
}
