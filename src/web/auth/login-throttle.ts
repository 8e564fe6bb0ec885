// Failed sign-ins per account, in the login_throttle table: the limiter's account store,
// and what `aurea user unlock` and `aurea user reset-password` clear.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/open";
import { loginThrottle } from "../../db/schema";
import type { ThrottleState, ThrottleStore } from "./login-limiter";

export const accountKey = (email: string) => `account:${email}`;

export class TableThrottleStore implements ThrottleStore {
  constructor(private db: Db) {}

  get(key: string): ThrottleState | null {
    const row = this.db.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
    return row ? { failures: row.failures, lastFailureAt: row.lastFailureAt } : null;
  }

  set(key: string, state: ThrottleState): void {
    this.db
      .insert(loginThrottle)
      .values({ key, ...state })
      .onConflictDoUpdate({ target: loginThrottle.key, set: state })
      .run();
  }

  delete(key: string): void {
    this.db.delete(loginThrottle).where(eq(loginThrottle.key, key)).run();
  }
}

/** Clears an account's failed sign-ins; true when there were any. */
export function clearLoginThrottle(db: Db, email: string): boolean {
  return db.delete(loginThrottle).where(eq(loginThrottle.key, accountKey(email))).returning().all().length > 0;
}
