// The unsent-event queue never grows past a bound: the oldest events go first.
export const MAX_QUEUE = 500;

export function bounded<T>(items: T[], max = MAX_QUEUE): T[] {
  return items.slice(-max);
}
