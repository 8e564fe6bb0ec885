// aurea user create | reset-password | unlock | list
import { ConfigError, DATA_FLAG, parseFlags, resolveDataDir, type ParsedFlags } from "../config";
import { openStore } from "../db/open";
import { clearLoginThrottle } from "../web/auth/login-throttle";
import { createUser, findUserByEmail, listUsers, resetPassword, UserInputError } from "../web/auth/users";
import type { Command } from "./commands";

const FLAGS = {
  ...DATA_FLAG,
  email: { type: "string" as const },
  role: { type: "string" as const },
  "password-stdin": { type: "boolean" as const },
  json: { type: "boolean" as const },
};

/** The password from standard input: the whole input, less one trailing newline. */
async function passwordFromStdin(command: string, flags: ParsedFlags): Promise<string> {
  if (!flags["password-stdin"]) {
    throw new ConfigError(`user ${command}: give the password on standard input with --password-stdin, e.g.
  printf '%s' "$PASSWORD" | aurea user ${command} --email you@example.com --password-stdin`);
  }
  const text = await Bun.stdin.text();
  const pw = text.replace(/\r?\n$/, "");
  if (!pw) throw new ConfigError(`user ${command}: standard input was empty; pipe the password into it`);
  return pw;
}

async function withStore<T>(flags: ParsedFlags, fn: (store: ReturnType<typeof openStore>) => Promise<T>): Promise<T> {
  const store = openStore(resolveDataDir(flags));
  try {
    return await fn(store);
  } catch (e) {
    if (e instanceof UserInputError) throw new ConfigError(`user ${flags._[0]}: ${e.message}`);
    throw e;
  } finally {
    store.close();
  }
}

const sub: Record<string, (flags: ParsedFlags) => Promise<number>> = {
  async create(flags) {
    if (!flags.email) throw new ConfigError("user create: --email is required");
    const role = (flags.role as string | undefined) ?? "owner";
    if (role !== "owner" && role !== "viewer") throw new ConfigError(`user create: --role must be owner or viewer, got "${role}"`);
    const password = await passwordFromStdin("create", flags);
    return withStore(flags, async ({ db }) => {
      const user = await createUser(db, { email: flags.email, password, role });
      if (flags.json) console.log(JSON.stringify(user));
      else console.log(`User ${user.email} (${user.role}) created. They can sign in at /login.`);
      return 0;
    });
  },
  async "reset-password"(flags) {
    if (!flags.email) throw new ConfigError("user reset-password: --email is required");
    const password = await passwordFromStdin("reset-password", flags);
    return withStore(flags, async ({ db }) => {
      const user = await resetPassword(db, flags.email, password);
      clearLoginThrottle(db, user.email);
      if (flags.json) console.log(JSON.stringify(user));
      else console.log(`Password of ${user.email} changed; their sessions are signed out and failed sign-ins forgotten.`);
      return 0;
    });
  },
  async unlock(flags) {
    if (!flags.email) throw new ConfigError("user unlock: --email is required");
    return withStore(flags, async ({ db }) => {
      const user = findUserByEmail(db, flags.email as string);
      if (!user) throw new UserInputError(`no user with email ${flags.email}`);
      const had = clearLoginThrottle(db, user.email);
      if (flags.json) console.log(JSON.stringify({ email: user.email, cleared: had }));
      else console.log(had ? `Failed sign-ins of ${user.email} forgotten: they can sign in at once.` : `${user.email} had no failed sign-ins to forget.`);
      return 0;
    });
  },
  async list(flags) {
    return withStore(flags, async ({ db }) => {
      const all = listUsers(db);
      if (flags.json) console.log(JSON.stringify(all));
      else if (!all.length) console.log("No users yet. Open the dashboard to create the owner, or: aurea user create --email E --password-stdin");
      else for (const u of all) console.log(`${u.email}  ${u.role}`);
      return 0;
    });
  },
};

export const userCommand: Command = {
  summary: "dashboard users: create, reset a password, unlock after failed sign-ins, list",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    const action = flags._[0];
    const fn = action ? sub[action] : undefined;
    if (!fn) throw new ConfigError(`user: expected create, reset-password, unlock or list${action ? `, got "${action}"` : ""}`);
    return fn(flags);
  },
};
