// A real HTTP receiver for webhook tests, on 127.0.0.1. Records every request;
// `respond` decides the answer (by default 200 "ok").
export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

type Responder = (req: Received, n: number) => Response | Promise<Response>;

export class Receiver {
  requests: Received[] = [];
  respond: Responder = () => new Response("ok");
  private server: ReturnType<typeof Bun.serve> | null = null;
  port = 0;

  static async start(port = 0): Promise<Receiver> {
    const r = new Receiver();
    r.listen(port);
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  listen(port = this.port): void {
    this.server = Bun.serve({
      port,
      hostname: "127.0.0.1",
      fetch: async (request) => {
        const rec: Received = {
          path: new URL(request.url).pathname,
          headers: Object.fromEntries(request.headers.entries()),
          body: await request.text(),
          at: Date.now(),
        };
        this.requests.push(rec);
        return this.respond(rec, this.requests.length);
      },
    });
    this.port = this.server.port!;
  }

  /** Down: the port refuses connections until listen() again. */
  stop(): void {
    this.server?.stop(true);
    this.server = null;
  }

  async waitFor(count: number, timeoutMs = 10_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      if (Date.now() > deadline) throw new Error(`receiver got ${this.requests.length} of ${count} requests`);
      await Bun.sleep(20);
    }
    return this.requests;
  }
}

/** Polls `fn` until it returns a truthy value. */
type Truthy<T> = Exclude<T, false | null | undefined | 0 | "">;

export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, what = "condition"): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}
