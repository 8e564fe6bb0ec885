// Every error of the JSON API has one shape and every dashboard error one rendering:
// a scenario table through app.handle (no socket), over the real app on a real SQLite
// file. Reads can be made to fail (a thrown exception, a timeout): the only stand-in is
// the fault itself, every other read runs for real. The native routes (ingest, payment
// webhooks) are not Elysia routes, so they are asked through the running server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Reads } from "../../src/analytics/reads/run";
import { ReadTimeout } from "../../src/http/errors";
import { GroupCommitter } from "../../src/ingest/group-commit";
import { createApp } from "../../src/server";
import { createTestFunnel, sendEvents, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { signedInOwner } from "../web/client";

/** The server's own reads, but for the fault a scenario injects. */
class FaultyReads implements Reads {
  fault: Error | null = null;
  constructor(private real: Reads) {}
  run: Reads["run"] = (name, args) => (this.fault ? Promise.reject(this.fault) : this.real.run(name, args));
  stop = () => Promise.resolve();
}

const STEPS = { window: "7d", order: "sequential", steps: [{ name: "Landing", page: "/" }, { name: "Buy", event: "purchase" }] };

let server: TestServer;
let funnel: TestFunnel;
let reads: FaultyReads;
let app: ReturnType<typeof createApp>;
let cookie: string;
const logs: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ log: (l) => logs.push(l) });
  funnel = createTestFunnel(server);
  cookie = (await signedInOwner(server)).cookie!;
  reads = new FaultyReads(server.ctx.reads);
  const ctx = { ...server.ctx, reads };
  app = createApp(ctx, new GroupCommitter(server.ctx.store.queue), server.running.processing, server.running.live);
  const put = await app.handle(api("PUT", `/api/v1/funnels/${funnel.id}/steps`, funnel.secretKey, JSON.stringify(STEPS)));
  expect(put.status).toBe(200);
});
afterAll(() => server.stop());

function api(method: string, path: string, key: string | null, body?: string): Request {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  return new Request(`http://127.0.0.1${path}`, { method, headers, body });
}

function page(path: string, extra: Record<string, string> = {}): Request {
  return new Request(`http://127.0.0.1${path}`, { headers: { cookie, ...extra } });
}

interface ApiScenario {
  name: string;
  request: () => Request;
  fault?: () => Error;
  status: number;
  code: string;
  message?: string | RegExp;
  /** A line the server must have logged (unexpected errors, with their stack). */
  logged?: RegExp;
}

const SCENARIOS: ApiScenario[] = [
  {
    name: "unknown funnel",
    request: () => api("GET", "/api/v1/funnels/fn_nope/stats", funnel.secretKey),
    status: 401,
    code: "invalid_key",
    message: "the secret key is not valid for funnel fn_nope",
  },
  {
    name: "no key",
    request: () => api("GET", `/api/v1/funnels/${funnel.id}/events`, null),
    status: 401,
    code: "missing_key",
  },
  {
    name: "the public key where the secret one is needed",
    request: () => api("GET", `/api/v1/funnels/${funnel.id}/steps`, funnel.publicKey),
    status: 401,
    code: "invalid_key",
  },
  {
    name: "a body that is not JSON",
    request: () => api("PUT", `/api/v1/funnels/${funnel.id}/steps`, funnel.secretKey, "{nope"),
    status: 400,
    code: "invalid_json",
  },
  {
    name: "a JSON body that breaks the schema",
    request: () => api("POST", `/api/v1/funnels/${funnel.id}/automations`, funnel.secretKey, "{}"),
    status: 400,
    code: "invalid_rule",
  },
  {
    name: "a bad query parameter",
    request: () => api("GET", `/api/v1/funnels/${funnel.id}/stats?from=someday`, funnel.secretKey),
    status: 400,
    code: "invalid_query",
    message: /^from: expected an ISO date/,
  },
  {
    name: "something that is not there",
    request: () => api("GET", `/api/v1/funnels/${funnel.id}/experiments/nope`, funnel.secretKey),
    status: 404,
    code: "experiment_not_found",
  },
  {
    name: "an unexpected exception in a read (the steps report)",
    request: () => api("GET", `/api/v1/funnels/${funnel.id}/report`, funnel.secretKey),
    fault: () => new Error("boom"),
    status: 500,
    code: "internal",
    message: "something went wrong on the server; see its log",
    logged: /^api GET \/api\/v1\/funnels\/fn_[\w-]+\/report: Error: boom\n\s+at /,
  },
  {
    name: "an unexpected exception in a read (stats)",
    request: () => api("GET", `/api/v1/funnels/${funnel.id}/stats`, funnel.secretKey),
    fault: () => new TypeError("undefined is not an object"),
    status: 500,
    code: "internal",
    logged: /^api GET \/api\/v1\/funnels\/fn_[\w-]+\/stats: TypeError: undefined is not an object/,
  },
  {
    name: "a read past its budget",
    request: () => api("GET", `/api/v1/funnels/${funnel.id}/events`, funnel.secretKey),
    fault: () => new ReadTimeout(1000),
    status: 503,
    code: "query_timeout",
    message: /took too long \(over 1 s\)/,
  },
  {
    name: "an address no endpoint has",
    request: () => api("GET", `/api/v1/funnels/${funnel.id}/nothing-here`, funnel.secretKey),
    status: 404,
    code: "not_found",
    message: /^there is no endpoint GET \/api\/v1\/funnels\/fn_[\w-]+\/nothing-here$/,
  },
];

describe("JSON API errors", () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))("%s", async (_name, s) => {
    reads.fault = s.fault?.() ?? null;
    const before = logs.length;
    try {
      const res = await app.handle(s.request());
      expect(res.status).toBe(s.status);
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(s.code);
      expect(typeof body.error.message).toBe("string");
      if (typeof s.message === "string") expect(body.error.message).toBe(s.message);
      else if (s.message) expect(body.error.message).toMatch(s.message);
      if (s.status === 500) expect(body.error.message).not.toContain("boom");
      const written = logs.slice(before);
      if (s.logged) expect(written).toContainEqual(expect.stringMatching(s.logged));
      else expect(written).toEqual([]);
    } finally {
      reads.fault = null;
    }
  });
});

interface PageScenario {
  name: string;
  path: () => string;
  htmx: boolean;
  fault?: () => Error;
  status: number;
  contains: string[];
}

const PAGES: PageScenario[] = [
  { name: "an address no page has", path: () => "/no/such/page", htmx: false, status: 404, contains: ["<html", "There is no page at this address."] },
  { name: "an unknown funnel, as a page", path: () => "/funnels/fn_nope/sessions", htmx: false, status: 404, contains: ["<html", "Not found", "There is no funnel with id fn_nope."] },
  { name: "a bad query, as an htmx fragment", path: () => `/funnels/${funnel.id}/panels/sources?range=fortnight`, htmx: true, status: 400, contains: ['range: expected one of'] },
  {
    name: "an unexpected exception, as a page",
    path: () => `/funnels/${funnel.id}/sessions`,
    htmx: false,
    fault: () => new Error("boom"),
    status: 500,
    contains: ["<html", "Something went wrong", "has been logged"],
  },
  {
    name: "an unexpected exception, as an htmx fragment",
    path: () => `/funnels/${funnel.id}/panels/sources`,
    htmx: true,
    fault: () => new Error("boom"),
    status: 500,
    contains: ["Something went wrong on the server"],
  },
  {
    name: "a read past its budget, as a page",
    path: () => `/funnels/${funnel.id}/contacts`,
    htmx: false,
    fault: () => new ReadTimeout(2000),
    status: 503,
    contains: ["<html", "This report took too long (over 2 s)"],
  },
];

describe("dashboard page errors", () => {
  test.each(PAGES.map((s) => [s.name, s] as const))("%s", async (_name, s) => {
    reads.fault = s.fault?.() ?? null;
    const before = logs.length;
    try {
      const res = await app.handle(page(s.path(), s.htmx ? { "hx-request": "true" } : {}));
      expect(res.status).toBe(s.status);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const text = await res.text();
      for (const part of s.contains) expect(text).toContain(part);
      expect(text).not.toContain("boom");
      if (s.htmx) expect(text).not.toContain("<html");
      const written = logs.slice(before);
      if (s.status === 500) expect(written).toContainEqual(expect.stringMatching(/^dashboard GET \/funnels\/.*: Error: boom\n\s+at /));
    } finally {
      reads.fault = null;
    }
  });

  test("hostile text in an error is escaped", async () => {
    const res = await app.handle(page(`/funnels/${funnel.id}/panels/sources?range=<script>x</script>`, { "hx-request": "true" }));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain("<script>");
    expect(text).toContain("&lt;script&gt;");
  });
});

describe("native routes answer in the same shape", () => {
  test("ingest with a key of no funnel", async () => {
    const res = await sendEvents(server, { funnelId: funnel.id, key: "sk_wrong", events: [{ id: "e1", type: "track", name: "x" }] });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("invalid_key");
  });

  test("a payment webhook for a provider that does not exist", async () => {
    const res = await fetch(`${server.url}/api/payments/nope/${funnel.id}`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.code).toBe("unknown_provider");
  });
});
