// The subcommand table. Each command lives in its own file with its flags and help.
import { ConfigError } from "../config";
import { alertCommand } from "./alert";
import { automationCommand } from "./automation";
import { doctorCommand } from "./doctor";
import { eventsCommand } from "./events";
import { backupCommand } from "./backup";
import { experimentCommand } from "./experiment";
import { funnelCommand } from "./funnel";
import { restoreCommand } from "./restore";
import { helpText } from "./help";
import { mailCommand } from "./mail";
import { paymentsCommand } from "./payments";
import { reportCommand } from "./report";
import { seedDemoCommand } from "./seed-demo";
import { serveCommand } from "./serve";
import { userCommand } from "./user";
import { VERSION } from "./version";

export interface Command {
  summary: string;
  /** Resolves to an exit code, or null for a command that keeps running (serve). */
  run(argv: string[]): Promise<number | null>;
}

export const commands: Record<string, Command> = {
  serve: serveCommand,
  funnel: funnelCommand,
  user: userCommand,
  automation: automationCommand,
  payments: paymentsCommand,
  experiment: experimentCommand,
  mail: mailCommand,
  report: reportCommand,
  alert: alertCommand,
  "seed-demo": seedDemoCommand,
  events: eventsCommand,
  doctor: doctorCommand,
  backup: backupCommand,
  restore: restoreCommand,
  version: { summary: "print the version", run: async () => (console.log(`aurea ${VERSION}`), 0) },
};

export async function runCommand(argv: string[]): Promise<number | null> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(helpText(commands, rest[0]));
    return 0;
  }
  if (name === "--version" || name === "-v") return commands.version.run([]);
  const command = commands[name];
  if (!command) throw new ConfigError(`unknown command "${name}" (see \`aurea help\`)`);
  return command.run(rest);
}
