// Running a registered read: the interface routes use, its errors, and the inline
// runner (tests and the processing thread run reads on their own connection).
import type { Database } from "bun:sqlite";
import { Statistics } from "../../store/sqlite/statistics";
import { AppError, errorOfStatus, ReadTimeout } from "../../http/errors";
import { readContext, type ReadArgs, type ReadContext, type ReadName, type ReadResult, type Registry } from "./context";
import { READS, type ReadRegistry } from "./registry";
import type { ClickHouseTarget } from "../../store/clickhouse/connection";

export interface Reads<R extends Registry = ReadRegistry> {
  run<N extends ReadName<R>>(name: N, args: ReadArgs<R, N>): Promise<Awaited<ReadResult<R, N>>>;
  stop(): Promise<void>;
}

/** A read ran past the budget and was abandoned (src/http/errors.ts). */
export { ReadTimeout as ReadTimeoutError };

/** What crosses the thread boundary when a read fails. */
export interface ReadFailure {
  message: string;
  stack?: string;
  http?: { status: number; code: string; details?: unknown };
}

export function describeFailure(e: unknown): ReadFailure {
  const err = e instanceof Error ? e : new Error(String(e));
  const http = e instanceof AppError ? { status: e.status, code: e.code, details: e.details } : undefined;
  return { message: err.message, stack: err.stack, http };
}

export function failureError(f: ReadFailure, name: string): Error {
  if (f.http) return errorOfStatus(f.http.status, f.http.code, f.message, { details: f.http.details });
  const e = new Error(`read ${name} failed: ${f.message}`);
  if (f.stack) e.stack = `${e.message}\n(reader thread) ${f.stack}`;
  return e;
}

/** Looks the read up and runs it, keeping the connection's statistics current first. */
export function executeRead(registry: Registry, rc: ReadContext, stats: Statistics, name: string, args: unknown): unknown {
  const fn = registry[name] as ((rc: ReadContext, args: unknown) => unknown) | undefined;
  if (!fn) throw new Error(`no read named "${name}"`);
  stats.maybeRefresh();
  return fn(rc, args);
}

/** Runs reads on the caller's thread and connection: no isolation, no budget. */
export class InlineReads<R extends Registry = ReadRegistry> implements Reads<R> {
  private state: { rc: ReadContext; stats: Statistics } | null = null;

  constructor(
    private sqlite: Database,
    private registry: R = READS as unknown as R,
    private clickhouse: ClickHouseTarget | null = null,
  ) {}

  async run<N extends ReadName<R>>(name: N, args: ReadArgs<R, N>): Promise<Awaited<ReadResult<R, N>>> {
    this.state ??= { rc: readContext(this.sqlite, this.clickhouse), stats: new Statistics(this.sqlite) };
    return executeRead(this.registry, this.state.rc, this.state.stats, name, args) as Awaited<ReadResult<R, N>>;
  }

  async stop(): Promise<void> {
    await this.state?.rc.close();
  }
}
