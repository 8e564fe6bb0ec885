// SQL fragments every reader of the compact layout shares (LAYOUT.md, docs/storage.md).

/** An event's props JSON text: short ones live in strings (props holds the id), longer ones inline. */
export const PROPS_SQL = (alias = "e") =>
  `CASE WHEN typeof(${alias}.props) = 'integer' THEN (SELECT value FROM strings WHERE id = ${alias}.props) ELSE ${alias}.props END`;

/** A strings id's value (NULL for NULL). */
export const STRING_SQL = (idExpr: string) => `(SELECT value FROM strings WHERE id = ${idExpr})`;

/** The strings id of a bound text (NULL when the value was never stored, which matches nothing). */
export const STRING_ID_SQL = (param = "?") => `(SELECT id FROM strings WHERE value = ${param})`;

/** Kind ids of one event type (and name), for `kind IN (…)`. */
export const KINDS_OF_TYPE_SQL = (typeParam = "?") => `(SELECT id FROM kinds WHERE type = ${typeParam})`;
export const KIND_ID_SQL = (typeParam = "?", nameParam = "?") => `(SELECT id FROM kinds WHERE type = ${typeParam} AND name = ${nameParam})`;

/**
 * A session key of 0 is an event with no visit (a payment that found none): its public
 * visit id is its visitor's (`nv:provider:order`), and no sessions row exists for it.
 */
export const NO_VISIT = 0;
