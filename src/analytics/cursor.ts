import { InvalidInput } from "../http/errors";

/** `before` cursors: plain ms, or "<ms>.<tiebreak>" as returned in `next` fields. */
export interface Cursor {
  ts: number;
  tie: number | string;
}

export function parseCursor(raw: string | undefined): Cursor | null {
  if (raw === undefined || raw === "") return null;
  const m = raw.match(/^(\d+)(?:\.(.+))?$/);
  if (!m) throw new InvalidInput("invalid_query", `before: expected milliseconds or a cursor from "next", got "${raw}"`);
  return { ts: Number(m[1]), tie: m[2] === undefined ? "" : /^\d+$/.test(m[2]) ? Number(m[2]) : m[2] };
}

export function formatCursor(ts: number, tie: number | string): string {
  return `${ts}.${tie}`;
}

/** The sessions page's cursor: "<started_at>.<id>". */
export function parseSessionCursor(raw: string | undefined): { startedAt: number; id: string } | null {
  const m = raw?.match(/^(\d+)\.(.+)$/);
  return m ? { startedAt: Number(m[1]), id: m[2] } : null;
}

/** The contacts page's cursor: "<last_seen>.<id>". */
export function parseContactCursor(raw: string | undefined): { lastSeen: number; id: number } | null {
  const m = raw?.match(/^(\d+)\.(\d+)$/);
  return m ? { lastSeen: Number(m[1]), id: Number(m[2]) } : null;
}
