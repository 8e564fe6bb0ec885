// Dashboard users: load, validate and save. The one module that writes the users table.
import { count, eq } from "drizzle-orm";
import type { Db } from "../../db/open";
import { users, userSessions } from "../../db/schema";

export type Role = "owner" | "viewer";

export interface DashboardUser {
  id: number;
  email: string;
  role: Role;
}

export class UserInputError extends Error {}

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 1024;

export function normaliseEmail(raw: unknown): string {
  const email = typeof raw === "string" ? raw.trim().toLowerCase() : "";
  if (!email) throw new UserInputError("email: must not be empty");
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new UserInputError(`email: "${email.slice(0, 80)}" is not an email address`);
  return email;
}

export function validatePassword(raw: unknown): string {
  const pw = typeof raw === "string" ? raw : "";
  if (pw.length < MIN_PASSWORD_LENGTH) throw new UserInputError(`password: must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (pw.length > MAX_PASSWORD_LENGTH) throw new UserInputError(`password: must be at most ${MAX_PASSWORD_LENGTH} characters`);
  return pw;
}

export function parseRole(raw: unknown): Role {
  if (raw === "owner" || raw === "viewer") return raw;
  throw new UserInputError(`role: expected owner or viewer, got "${String(raw)}"`);
}

export function countUsers(db: Db): number {
  return db.select({ n: count() }).from(users).get()?.n ?? 0;
}

function toUser(row: { id: number; email: string; role: string }): DashboardUser {
  return { id: row.id, email: row.email, role: row.role === "owner" ? "owner" : "viewer" };
}

export function findUserByEmail(db: Db, email: string): (DashboardUser & { passwordHash: string }) | null {
  const row = db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  return row ? { ...toUser(row), passwordHash: row.passwordHash } : null;
}

export function listUsers(db: Db): DashboardUser[] {
  return db.select().from(users).orderBy(users.id).all().map(toUser);
}

export async function createUser(db: Db, input: { email: unknown; password: unknown; role?: unknown }, now = Date.now()): Promise<DashboardUser> {
  const email = normaliseEmail(input.email);
  const password = validatePassword(input.password);
  const role = parseRole(input.role ?? "owner");
  if (findUserByEmail(db, email)) throw new UserInputError(`email: a user with ${email} already exists`);
  const passwordHash = await Bun.password.hash(password, "argon2id");
  const row = db.insert(users).values({ email, passwordHash, role, createdAt: now }).returning().get();
  return toUser(row);
}

/**
 * Creates the first owner, but only while there is no user at all: two browsers
 * racing through /setup cannot both become owner.
 */
export async function createFirstOwner(db: Db, input: { email: unknown; password: unknown }, now = Date.now()): Promise<DashboardUser | null> {
  const email = normaliseEmail(input.email);
  const password = validatePassword(input.password);
  const passwordHash = await Bun.password.hash(password, "argon2id");
  return db.transaction((tx) => {
    if ((tx.select({ n: count() }).from(users).get()?.n ?? 0) > 0) return null;
    return toUser(tx.insert(users).values({ email, passwordHash, role: "owner", createdAt: now }).returning().get());
  }, { behavior: "immediate" });
}

/** Sets a new password and signs the user out everywhere. */
export async function resetPassword(db: Db, emailRaw: unknown, passwordRaw: unknown): Promise<DashboardUser> {
  const email = normaliseEmail(emailRaw);
  const password = validatePassword(passwordRaw);
  const user = findUserByEmail(db, email);
  if (!user) throw new UserInputError(`email: no user with ${email}`);
  const passwordHash = await Bun.password.hash(password, "argon2id");
  db.transaction((tx) => {
    tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
    tx.delete(userSessions).where(eq(userSessions.userId, user.id)).run();
  });
  return { id: user.id, email: user.email, role: user.role };
}

// A fixed hash to verify against when the email is unknown, so a login attempt
// takes as long whether or not the account exists.
let dummyHash: Promise<string> | null = null;

/** The user when email and password match, else null. */
export async function verifyCredentials(db: Db, emailRaw: unknown, passwordRaw: unknown): Promise<DashboardUser | null> {
  const email = typeof emailRaw === "string" ? emailRaw.trim().toLowerCase() : "";
  const password = typeof passwordRaw === "string" ? passwordRaw : "";
  const user = email ? findUserByEmail(db, email) : null;
  if (!user || !password) {
    dummyHash ??= Bun.password.hash("aurea-timing-equaliser", "argon2id");
    await Bun.password.verify(password || "x", await dummyHash).catch(() => false);
    return null;
  }
  const ok = await Bun.password.verify(password, user.passwordHash).catch(() => false);
  return ok ? { id: user.id, email: user.email, role: user.role } : null;
}
