// Rewriting a large table a range of row ids at a time, for layout steps: each range is
// one transaction that also saves how far it got, so a crash loses at most one range
// and the step resumes after the last committed one.
import type { Database } from "bun:sqlite";
import type { StepContext } from "./steps";

export interface RowRangeCopy {
  /** The highest row id to reach, e.g. "SELECT max(row_id) AS n FROM events". */
  maxSql: string;
  /** A statement over one range, with parameters (after, upTo]: row_id > ?1 AND row_id <= ?2. */
  rangeSql?: string;
  /** Or what to run for one range (several statements), inside its transaction. */
  run?: (after: number, upTo: number) => void;
  /** Row ids per transaction. */
  chunk: number;
  /** Called after each committed range (tests stop the process here). */
  afterChunk?: (upTo: number) => void;
}

export function copyByRowRanges(sqlite: Database, ctx: StepContext, copy: RowRangeCopy): void {
  const max = sqlite.query<{ n: number | null }, []>(copy.maxSql).get()?.n ?? 0;
  const range = copy.rangeSql ? sqlite.prepare(copy.rangeSql) : null;
  const run = copy.run ?? ((from: number, upTo: number) => range!.run(from, upTo));
  let after = typeof ctx.state === "number" ? ctx.state : 0;
  const one = sqlite.transaction((from: number, upTo: number) => {
    run(from, upTo);
    ctx.save(upTo);
  });
  while (after < max) {
    const upTo = Math.min(after + copy.chunk, max);
    one.immediate(after, upTo);
    after = upTo;
    ctx.progress(after, max);
    copy.afterChunk?.(after);
  }
}
