/**
 * What an event-plane reader hands back: SQLite answers at once, ClickHouse over HTTP
 * with a promise. Callers always `await` it.
 */
export type Awaitable<T> = T | Promise<T>;
