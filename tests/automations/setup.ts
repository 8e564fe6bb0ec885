// Shared set-up for automation tests through a real server.
import { DEFAULT_BACKOFF } from "../../src/automations/backoff";
import { automationRuntime } from "../../src/automations/runtime";
import type { ServeConfig } from "../../src/config";
import { createTestFunnel, eventId, sendEvents, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";

/** A server that may call 127.0.0.1 receivers, with retries 1000× faster than real. */
export async function startHookServer(overrides: Partial<ServeConfig> & { keepData?: boolean } = {}): Promise<TestServer> {
  const server = await startTestServer({ allowPrivateWebhooks: true, ...overrides });
  compressBackoff(server);
  return server;
}

export function compressBackoff(server: TestServer, scale = 0.001): void {
  automationRuntime(server.ctx).backoff = { ...DEFAULT_BACKOFF, scale };
}

export async function api(server: TestServer, funnel: TestFunnel, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/automations${path}`, {
    method,
    headers: { authorization: `Bearer ${funnel.secretKey}`, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

export async function createRule(server: TestServer, funnel: TestFunnel, rule: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const { status, json } = await api(server, funnel, "POST", "", rule);
  if (status !== 201) throw new Error(`create rule: ${status} ${JSON.stringify(json)}`);
  return json;
}

export async function track(server: TestServer, funnel: TestFunnel, events: Record<string, unknown>[]): Promise<void> {
  const { status, json } = await sendEvents(server, { funnelId: funnel.id, key: funnel.secretKey, events: events.map((e) => ({ id: eventId(), ...e })) });
  if (status !== 202) throw new Error(`track: ${status} ${JSON.stringify(json)}`);
}

export { createTestFunnel };
