// The candidate events a step check reads, in the order the previous layout's
// (funnel_id, type, name, path, ts) index gave them: by kind (type, name), then path
// text, then time. The check reads at most MAX_EVENTS_READ of them, so which ones come
// first decides its lower bound ("at least N visitors"). The compact index orders kinds
// and paths by id: the (kind, path) cells are listed first (kinds and literal paths from
// the dictionaries, a kind's other paths by one index seek each), sorted by their
// text, then read one cell at a time until the bound. A kind with more than
// MAX_CELL_PATHS distinct paths is read in the index's own order.
import type { Database, SQLQueryBindings } from "bun:sqlite";
import { PROPS_SQL } from "../layout";

const MAX_CELL_PATHS = 2000;

/** One (kind, path) cell (path null: events without a path), or a kind read in index order under a condition. */
export type Cell = { kind: number; path: number | null } | { kind: number; where: string; params: string[] };

export interface CandidateRow {
  visitor: number;
  kind: number;
  path: number | null;
  props: string | null;
}

export class CellReads {
  private pathsOf = new Map<number, number[] | null>();
  private nextPath;
  private hasNull;

  constructor(
    private sqlite: Database,
    private key: number | null,
  ) {
    this.nextPath = sqlite.prepare<{ path: number | null }, [number | null, number, number]>(
      "SELECT min(path) AS path FROM events INDEXED BY events_funnel_kind WHERE funnel = ? AND kind = ? AND path > ?",
    );
    this.hasNull = sqlite.prepare<{ one: number }, [number | null, number]>(
      "SELECT 1 AS one FROM events INDEXED BY events_funnel_kind WHERE funnel = ? AND kind = ? AND path IS NULL LIMIT 1",
    );
  }

  /** Kind ids meeting a condition on kinds, in (type, name) order. */
  kinds(where: string, params: SQLQueryBindings[] = []): number[] {
    return this.sqlite.query<{ id: number }, SQLQueryBindings[]>(`SELECT id FROM kinds WHERE ${where} ORDER BY type, name`).all(...params).map((r) => r.id);
  }

  /** Strings ids of the given values that exist, in text order. */
  literalPaths(values: string[]): number[] {
    return this.sqlite
      .query<{ id: number }, [string]>("SELECT id FROM strings WHERE value IN (SELECT value FROM json_each(?)) ORDER BY value")
      .all(JSON.stringify(values))
      .map((r) => r.id);
  }

  /** Every cell of the kind (its paths in text order, no path first), or the kind whole when it has too many paths. */
  cellsOfKind(kind: number, glob?: string): Cell[] {
    const paths = this.paths(kind);
    if (paths === null) return [glob === undefined ? { kind, where: "1", params: [] } : { kind, where: "path IN (SELECT id FROM strings WHERE value GLOB ?)", params: [glob] }];
    const ordered = this.sqlite
      .query<{ id: number }, string[]>(
        `SELECT id FROM strings WHERE id IN (SELECT value FROM json_each(?))${glob === undefined ? "" : " AND value GLOB ?"} ORDER BY value`,
      )
      .all(...[JSON.stringify(paths)].concat(glob === undefined ? [] : [glob]))
      .map((r) => r.id);
    const cells: Cell[] = ordered.map((path) => ({ kind, path }));
    return glob === undefined && this.hasNull.get(this.key, kind) ? [{ kind, path: null }, ...cells] : cells;
  }

  /** Reads the cells in order, at most `limit` rows in all. */
  read(cells: Cell[], from: number, to: number, limit: number, withProps: boolean): CandidateRow[] {
    const out: CandidateRow[] = [];
    for (const c of cells) {
      if (out.length >= limit) break;
      const { sql, params } = this.cellSql(c, withProps);
      out.push(...this.sqlite.query<CandidateRow, SQLQueryBindings[]>(sql).all(...params, from, to, limit - out.length));
    }
    return out;
  }

  /** The statement that reads one cell (its parameters before the window and the limit). */
  cellSql(c: Cell, withProps: boolean): { sql: string; params: SQLQueryBindings[] } {
    const cols = `visitor, kind, path, ${withProps ? PROPS_SQL("events") : "NULL"} AS props`;
    const where = "path" in c ? "path IS ?" : c.where;
    return {
      sql: `SELECT ${cols} FROM events INDEXED BY events_funnel_kind WHERE funnel = ? AND kind = ? AND ${where} AND ts >= ? AND ts < ? LIMIT ?`,
      params: [this.key, c.kind, ...("path" in c ? [c.path] : c.params)],
    };
  }

  /** The distinct paths of the kind's events (one index seek each), null past MAX_CELL_PATHS. */
  private paths(kind: number): number[] | null {
    if (this.pathsOf.has(kind)) return this.pathsOf.get(kind)!;
    const out: number[] = [];
    let list: number[] | null = out;
    for (let after = -1; ; ) {
      const path = this.nextPath.get(this.key, kind, after)?.path;
      if (path === null || path === undefined) break;
      if (out.length >= MAX_CELL_PATHS) {
        list = null;
        break;
      }
      out.push(path);
      after = path;
    }
    this.pathsOf.set(kind, list);
    return list;
  }
}
