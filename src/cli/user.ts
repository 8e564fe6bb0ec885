// aurea user create | grant | revoke | reset-password | unlock | list
import { ConfigError, DATA_FLAG, parseFlags, resolveDataDir, type ParsedFlags } from "../config";
import { openStore } from "../db/open";
import { clearLoginThrottle } from "../web/auth/login-throttle";
import { listFunnels } from "../funnels/store";
import { forgetAddress } from "../reports/subscriptions";
import { AccessInputError, checkFunnels, grantFunnels, grantsByUser, revokeFunnels } from "../web/auth/funnel-access";
import { createUser, findUserByEmail, listUsers, resetPassword, UserInputError, type DashboardUser } from "../web/auth/users";
import type { Command } from "./commands";

const FLAGS = {
  ...DATA_FLAG,
  email: { type: "string" as const },
  role: { type: "string" as const },
  funnels: { type: "string" as const },
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
    if (e instanceof UserInputError || e instanceof AccessInputError) throw new ConfigError(`user ${flags._[0]}: ${e.message}`);
    throw e;
  } finally {
    store.close();
  }
}

/** --funnels ID,ID (or "all": every funnel that exists now). */
function funnelsFlag(db: Parameters<typeof listFunnels>[0], flags: ParsedFlags, command: string): string[] {
  const raw = flags.funnels as string | undefined;
  if (raw === undefined || raw.trim() === "") throw new ConfigError(`user ${command}: --funnels ID,ID (or --funnels all) is required`);
  if (raw.trim() === "all") return listFunnels(db).map((f) => f.id);
  const ids = raw.split(",").map((s) => s.trim()).filter(Boolean);
  checkFunnels(db, ids);
  return ids;
}

function viewerOf(db: Parameters<typeof listFunnels>[0], flags: ParsedFlags, command: string): DashboardUser {
  if (!flags.email) throw new ConfigError(`user ${command}: --email is required`);
  const user = findUserByEmail(db, flags.email as string);
  if (!user) throw new UserInputError(`no user with email ${flags.email}`);
  if (user.role === "owner") throw new UserInputError(`${user.email} is an owner and sees every funnel`);
  return user;
}

async function create(flags: ParsedFlags): Promise<number> {
  if (!flags.email) throw new ConfigError("user create: --email is required");
  const role = (flags.role as string | undefined) ?? "owner";
  if (role !== "owner" && role !== "viewer") throw new ConfigError(`user create: --role must be owner or viewer, got "${role}"`);
  if (role === "owner" && flags.funnels !== undefined) throw new ConfigError("user create: --funnels is for viewers; owners see every funnel");
  const password = await passwordFromStdin("create", flags);
  return withStore(flags, async ({ db }) => {
    const funnels = role === "viewer" && flags.funnels !== undefined ? funnelsFlag(db, flags, "create") : [];
    const user = await createUser(db, { email: flags.email, password, role });
    grantFunnels(db, user.id, funnels, Date.now());
    if (flags.json) console.log(JSON.stringify({ ...user, ...(role === "viewer" ? { funnels } : {}) }));
    else if (role === "viewer") console.log(`User ${user.email} (viewer) created, seeing ${funnels.length ? funnels.join(", ") : "no funnel yet (aurea user grant --email E --funnels ID)"}. They can sign in at /login.`);
    else console.log(`User ${user.email} (owner) created. They can sign in at /login.`);
    return 0;
  });
}

const sub: Record<string, (flags: ParsedFlags) => Promise<number>> = {
  create,
  add: create,
  async grant(flags) {
    return withStore(flags, async ({ db }) => {
      const user = viewerOf(db, flags, "grant");
      const ids = funnelsFlag(db, flags, "grant");
      const added = grantFunnels(db, user.id, ids, Date.now());
      if (flags.json) console.log(JSON.stringify({ email: user.email, funnels: grantsByUser(db).get(user.id) ?? [] }));
      else console.log(`${user.email} can now see ${ids.join(", ")} (${added} new).`);
      return 0;
    });
  },
  async revoke(flags) {
    return withStore(flags, async ({ db, sqlite }) => {
      const user = viewerOf(db, flags, "revoke");
      const ids = funnelsFlag(db, flags, "revoke");
      const removed = revokeFunnels(db, user.id, ids);
      for (const id of ids) forgetAddress(sqlite, id, user.email);
      if (flags.json) console.log(JSON.stringify({ email: user.email, funnels: grantsByUser(db).get(user.id) ?? [] }));
      else console.log(`${user.email} no longer sees ${ids.join(", ")} (${removed} removed) nor gets their digests.`);
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
      const grants = grantsByUser(db);
      const all = listUsers(db).map((u) => (u.role === "viewer" ? { ...u, funnels: grants.get(u.id) ?? [] } : u));
      if (flags.json) console.log(JSON.stringify(all));
      else if (!all.length) console.log("No users yet. Open the dashboard to create the owner, or: aurea user create --email E --password-stdin");
      else for (const u of all) console.log(`${u.email}  ${u.role}${"funnels" in u ? `  ${u.funnels.join(",") || "(no funnels)"}` : ""}`);
      return 0;
    });
  },
};

export const userCommand: Command = {
  summary: "dashboard users: create, grant/revoke a viewer's funnels, reset a password, unlock, list",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    const action = flags._[0];
    const fn = action ? sub[action] : undefined;
    if (!fn) throw new ConfigError(`user: expected create, grant, revoke, reset-password, unlock or list${action ? `, got "${action}"` : ""}`);
    return fn(flags);
  },
};
