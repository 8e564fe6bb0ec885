// localStorage when allowed (and not cookieless), else memory for the page's life.
export interface Store {
  get<T>(key: string): T | undefined;
  /** undefined removes the key */
  set(key: string, value: unknown): void;
}

export function createStore(persist: boolean): Store {
  let s: Record<string, string> = {};
  try {
    // The getter throws where storage is blocked (sandboxed iframes, some privacy settings):
    // s stays the page's memory.
    if (persist) s = localStorage;
  } catch {}
  return {
    get(key) {
      try {
        return JSON.parse(s[key]);
      } catch {}
    },
    set(key, value) {
      try {
        value === undefined ? delete s[key] : (s[key] = JSON.stringify(value));
      } catch {
        // Over quota: the page keeps what it holds in memory; only persistence is lost.
      }
    },
  };
}
