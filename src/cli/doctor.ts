// aurea doctor [--data D] [--accept] [--json]: checks the data files the way a start
// does, and fully (quick_check whatever the size), without changing them; prints one
// line per finding. --accept clears recorded damage once the operator has decided to
// go on with the data as it is (the lost events cannot be brought back but by a
// restore from a backup).
import { Database } from "bun:sqlite";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { DATA_FLAG, parseFlags, resolveDataDir, ConfigError } from "../config";
import { acceptDamage, headerProblem, quickCheckProblem, restoreAdvice } from "../db/files-check";
import { DATABASE_FILE } from "../db/open";
import { QUEUE_FILE } from "../db/queue-db";
import type { Command } from "./commands";

const FLAGS = { ...DATA_FLAG, accept: { type: "boolean" as const }, json: { type: "boolean" as const } };

interface Finding {
  file: string;
  ok: boolean;
  message: string;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function checkFile(dataDir: string, name: string): Finding {
  const path = join(dataDir, name);
  if (!existsSync(path)) return { file: name, ok: true, message: "not created yet" };
  const header = headerProblem(path);
  if (header) return { file: name, ok: false, message: header };
  let db: Database | null = null;
  try {
    db = new Database(path, { readonly: true, strict: true });
    const problem = quickCheckProblem(db, true);
    if (problem) return { file: name, ok: false, message: `quick_check: ${problem}` };
  } catch (e) {
    return { file: name, ok: false, message: (e as Error).message };
  } finally {
    db?.close();
  }
  const wal = statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  return { file: name, ok: true, message: `ok (${mb(statSync(path).size)}, WAL ${mb(wal)})` };
}

function recordedDamage(dataDir: string): string[] {
  const path = join(dataDir, QUEUE_FILE);
  if (!existsSync(path)) return [];
  const db = new Database(path, { readonly: true, strict: true });
  try {
    const row = db.query<{ damage: string | null }, []>("SELECT damage FROM queue_marks WHERE id = 1").get();
    return row?.damage ? (JSON.parse(row.damage) as string[]) : [];
  } catch {
    return []; // a queue from before the marks: nothing recorded
  } finally {
    db.close();
  }
}

export const doctorCommand: Command = {
  summary: "check the data files for damage (and accept known damage with --accept)",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    if (flags._.length) throw new ConfigError(`doctor takes no arguments, got "${flags._[0]}"`);
    const dataDir = resolveDataDir(flags);
    if (!existsSync(dataDir)) throw new ConfigError(`--data: ${dataDir} does not exist`);
    const findings = [checkFile(dataDir, DATABASE_FILE), checkFile(dataDir, QUEUE_FILE)];
    const damage = recordedDamage(dataDir);
    if (flags.accept && damage.length) {
      const queue = new Database(join(dataDir, QUEUE_FILE), { strict: true });
      try {
        queue.exec("PRAGMA busy_timeout = 5000");
        acceptDamage(queue);
      } finally {
        queue.close();
      }
    }
    for (const line of damage) findings.push({ file: "recorded", ok: Boolean(flags.accept), message: flags.accept ? `accepted: ${line}` : line });
    const ok = findings.every((f) => f.ok);
    if (flags.json) console.log(JSON.stringify({ ok, findings }));
    else {
      for (const f of findings) console.log(`${f.ok ? "ok  " : "BAD "} ${f.file}: ${f.message}`);
      if (!ok) {
        console.log(`What to do: ${restoreAdvice(dataDir).replace(/, or see .*$/, "")}; or, to go on with the data as it is, aurea doctor --accept --data ${dataDir}`);
      }
    }
    return ok ? 0 : 1;
  },
};
