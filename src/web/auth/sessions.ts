// Dashboard login sessions: the cookie holds a random token, the table only its
// SHA-256 (a stolen database cannot be replayed as cookies). The one module
// that reads and writes user_sessions.
import { eq, lt } from "drizzle-orm";
import type { Db } from "../../db/open";
import { users, userSessions } from "../../db/schema";
import type { DashboardUser } from "./users";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

function randomToken(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

export function hashToken(token: string): string {
  return new Bun.CryptoHasher("sha256").update(token).digest("hex");
}

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export function createSession(db: Db, userId: number, now: number): NewSession {
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = now + SESSION_TTL_MS;
  db.insert(userSessions).values({ tokenHash: hashToken(token), userId, csrfToken, createdAt: now, expiresAt }).run();
  // Expired rows are swept here, on login, rather than by a timer.
  db.delete(userSessions).where(lt(userSessions.expiresAt, now)).run();
  return { token, csrfToken, expiresAt };
}

export interface ActiveSession {
  user: DashboardUser;
  csrfToken: string;
  expiresAt: number;
}

export function findSession(db: Db, token: string, now: number): ActiveSession | null {
  if (!token || token.length > 100) return null;
  const row = db
    .select({ id: users.id, email: users.email, role: users.role, csrfToken: userSessions.csrfToken, expiresAt: userSessions.expiresAt })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(eq(userSessions.tokenHash, hashToken(token)))
    .get();
  if (!row || row.expiresAt <= now) return null;
  return {
    user: { id: row.id, email: row.email, role: row.role === "owner" ? "owner" : "viewer" },
    csrfToken: row.csrfToken,
    expiresAt: row.expiresAt,
  };
}

export function deleteSession(db: Db, token: string): void {
  db.delete(userSessions).where(eq(userSessions.tokenHash, hashToken(token))).run();
}

export function deleteUserSessions(db: Db, userId: number): void {
  db.delete(userSessions).where(eq(userSessions.userId, userId)).run();
}
