// A tiny cookie-keeping client for dashboard route tests through a real server.
import type { TestServer } from "../helpers/server";

export interface Browserish {
  cookie: string | null;
  csrf: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, form: Record<string, string | string[]>, headers?: Record<string, string>): Promise<Response>;
  /** Loads a page and remembers the CSRF token from its meta tag. */
  load(path: string): Promise<string>;
}

export function client(server: { url: string }): Browserish {
  const c: Browserish = {
    cookie: null,
    csrf: "",
    async get(path, headers = {}) {
      const res = await fetch(server.url + path, { redirect: "manual", headers: { ...(c.cookie ? { cookie: c.cookie } : {}), ...headers } });
      keepCookie(res);
      return res;
    },
    async post(path, form, headers = {}) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      const res = await fetch(server.url + path, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", ...(c.cookie ? { cookie: c.cookie } : {}), ...headers },
        body,
      });
      keepCookie(res);
      return res;
    },
    async load(path) {
      const res = await c.get(path);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
      const m = text.match(/<meta name="csrf-token" content="([^"]*)">/);
      if (m?.[1]) c.csrf = m[1];
      return text;
    },
  };
  function keepCookie(res: Response) {
    const set = res.headers.get("set-cookie");
    if (!set) return;
    const m = set.match(/aurea_session=([^;]*)/);
    if (m) c.cookie = m[1] ? `aurea_session=${m[1]}` : null;
  }
  return c;
}

export const OWNER = { email: "owner@example.com", password: "correct horse battery" };

/** Completes first-run setup and returns a signed-in client with its CSRF token. */
export async function signedInOwner(server: TestServer): Promise<Browserish> {
  const c = client(server);
  const res = await c.post("/setup", { email: OWNER.email, password: OWNER.password, confirm: OWNER.password });
  if (res.status !== 303) throw new Error(`setup: ${res.status} ${await res.text()}`);
  await c.load("/funnels");
  return c;
}
