// The unsent-event queue never grows past a bound: the oldest events go first.
export const MAX_QUEUE = 500;

export function bounded<T>(items: T[]): T[] {
  return items.slice(-MAX_QUEUE);
}
