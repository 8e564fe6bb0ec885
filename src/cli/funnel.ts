// aurea funnel create | list | rotate-keys | rotate-public-key
import { ConfigError, DATA_FLAG, parseFlags, resolveDataDir, type ParsedFlags } from "../config";
import { openStore } from "../db/open";
import { createFunnel, FunnelInputError, getFunnel, listFunnels, rotateKeys, rotatePublicKey } from "../funnels/store";
import type { Command } from "./commands";
import { EVENTS_FLAG } from "./event-readers";
import { funnelSteps } from "./funnel-steps";

const FLAGS = {
  ...DATA_FLAG,
  ...EVENTS_FLAG,
  name: { type: "string" as const },
  url: { type: "string" as const },
  origin: { type: "list" as const },
  description: { type: "string" as const },
  json: { type: "boolean" as const },
  file: { type: "string" as const },
};

function withStore<T>(flags: ParsedFlags, fn: (store: ReturnType<typeof openStore>) => T): T {
  const store = openStore(resolveDataDir(flags));
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function printKeys(id: string, keys: { publicKey: string; secretKey: string }): void {
  console.log(`  id:          ${id}`);
  console.log(`  public key:  ${keys.publicKey}   (goes in your page: data-key)`);
  console.log(`  secret key:  ${keys.secretKey}   (server-side only; shown once)`);
}

const sub: Record<string, (flags: ParsedFlags) => number | Promise<number>> = {
  steps: funnelSteps,
  create(flags) {
    if (!flags.name) throw new ConfigError("funnel create: --name is required");
    if (!flags.url) throw new ConfigError("funnel create: --url is required");
    return withStore(flags, ({ db }) => {
      let made;
      try {
        made = createFunnel(db, {
          name: flags.name as string,
          url: flags.url as string,
          origins: flags.origin as string[] | undefined,
          description: flags.description as string | undefined,
        });
      } catch (e) {
        if (e instanceof FunnelInputError) throw new ConfigError(`funnel create: ${e.message}`);
        throw e;
      }
      const { funnel, publicKey, secretKey } = made;
      if (flags.json) {
        console.log(JSON.stringify({ id: funnel.id, name: funnel.name, url: funnel.url, publicKey, secretKey, origins: funnel.origins }));
      } else {
        console.log(`Funnel "${funnel.name}" registered. Keep the secret key now: it is not shown again.`);
        printKeys(funnel.id, { publicKey, secretKey });
        console.log(`  origins:     ${funnel.origins.join(", ")}`);
      }
      return 0;
    });
  },
  list(flags) {
    return withStore(flags, ({ db }) => {
      const all = listFunnels(db).map((f) => ({
        id: f.id, name: f.name, url: f.url, origins: f.origins,
        publicKey: f.publicKey, publicKeyPrefix: f.publicKeyPrefix, secretKeyPrefix: f.secretKeyPrefix, createdAt: new Date(f.createdAt).toISOString(),
      }));
      if (flags.json) console.log(JSON.stringify(all));
      else if (!all.length) console.log("No funnels yet. Create one: aurea funnel create --name NAME --url URL");
      else {
        for (const f of all) {
          const pk = f.publicKey ?? `${f.publicKeyPrefix} (only the start is known: aurea funnel rotate-public-key ${f.id})`;
          console.log(`${f.id}  ${f.name}  ${f.url}  public key ${pk}  secret key ${f.secretKeyPrefix}`);
        }
      }
      return 0;
    });
  },
  "rotate-keys"(flags) {
    const id = flags._[1];
    if (!id) throw new ConfigError("funnel rotate-keys: give the funnel id (see `aurea funnel list`)");
    return withStore(flags, ({ db }) => {
      if (!getFunnel(db, id)) throw new ConfigError(`funnel rotate-keys: no funnel with id ${id}`);
      const keys = rotateKeys(db, id)!;
      if (flags.json) console.log(JSON.stringify({ id, ...keys }));
      else {
        console.log("New keys (the old ones no longer work). Keep the secret key now: it is not shown again.");
        printKeys(id, keys);
      }
      return 0;
    });
  },
  "rotate-public-key"(flags) {
    const id = flags._[1];
    if (!id) throw new ConfigError("funnel rotate-public-key: give the funnel id (see `aurea funnel list`)");
    return withStore(flags, ({ db }) => {
      if (!getFunnel(db, id)) throw new ConfigError(`funnel rotate-public-key: no funnel with id ${id}`);
      const publicKey = rotatePublicKey(db, id)!;
      if (flags.json) console.log(JSON.stringify({ id, publicKey }));
      else {
        console.log("New public key. The old one no longer works: update data-key on every page now. The secret key is unchanged.");
        console.log(`  id:          ${id}`);
        console.log(`  public key:  ${publicKey}   (goes in your page: data-key)`);
      }
      return 0;
    });
  },
};

export const funnelCommand: Command = {
  summary: "register funnels, list them, rotate their keys (or the public key alone)",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    const action = flags._[0];
    const fn = action ? sub[action] : undefined;
    if (!fn) throw new ConfigError(`funnel: expected create, list, rotate-keys or rotate-public-key${action ? `, got "${action}"` : ""}`);
    return fn(flags);
  },
};
