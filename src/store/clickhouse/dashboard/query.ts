// Running a read against ClickHouse: SQL text with {name:Type} placeholders bound by
// the server (values never enter the text), rows back as JSON objects.
import { ClickHouseError, type ClickHouseClient } from "@clickhouse/client";
import { Unavailable } from "../../../http/errors";

export type Params = Record<string, unknown>;

/** SQL with its bound values; `bind` names each value once (p0, p1, …) so parts compose. */
export class Sql {
  readonly params: Params = {};
  private n = 0;

  bind(value: string | number | string[] | number[], type: string): string {
    const name = `p${this.n++}`;
    this.params[name] = value;
    return `{${name}:${type}}`;
  }

  str(value: string): string {
    return this.bind(value, "String");
  }

  /** A time in ms as DateTime64(3) (the tables' ts columns). */
  ms(value: number): string {
    return `fromUnixTimestamp64Milli(${this.bind(Math.trunc(value), "Int64")})`;
  }
}

export async function rows<T>(ch: ClickHouseClient, sql: Sql, query: string): Promise<T[]> {
  try {
    const result = await ch.query({ query, query_params: sql.params, format: "JSONEachRow" });
    return await result.json<T>();
  } catch (e) {
    // Not answering, or refusing the login: a clear 503 (pages also show the store's notice), not an internal error.
    if (!(e instanceof ClickHouseError) || e.code === "516") throw new Unavailable("events_unavailable", "ClickHouse, where events are stored, is not answering; events are still accepted and queued. Try again once it is back.");
    throw e;
  }
}

/** Numbers arrive as JSON numbers or, for 64-bit ones from servers set to quote them, strings. */
export function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}
