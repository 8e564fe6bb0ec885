// Reading fields of a parsed form body (Elysia turns repeated fields into arrays).
type Form = Record<string, unknown>;

/** One text field ("" when missing; the first value when repeated). */
export function formField(body: unknown, name: string): string {
  let v = body && typeof body === "object" ? (body as Form)[name] : undefined;
  if (Array.isArray(v)) v = v[0];
  return typeof v === "string" ? v : "";
}

/** Every value of a repeated field (checkboxes), as strings. */
export function formList(body: unknown, name: string): string[] {
  const v = body && typeof body === "object" ? (body as Form)[name] : undefined;
  if (v == null) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
}

/** A textarea with one entry per line, blank lines dropped. */
export function formLines(body: unknown, name: string): string[] {
  return formField(body, name)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}
