// A lean HTTP/1.1 keep-alive client for the load generator, in the spirit of wrk:
// requests are written as prepared bytes on raw sockets and only the status line and
// Content-Length of each answer are read. It shares the two cores with the server, so
// every microsecond it does not spend is one the server gets.
import type { Socket } from "bun";

export interface Answer {
  status: number;
  ms: number;
}

interface Waiter {
  started: number;
  resolve: (a: Answer) => void;
  reject: (e: Error) => void;
}

/** One keep-alive connection carrying one request at a time. */
class Connection {
  private socket: Socket<undefined> | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: Waiter | null = null;
  private pendingWrite: Uint8Array | null = null;

  constructor(
    private host: string,
    private port: number,
  ) {}

  get busy(): boolean {
    return this.waiter !== null;
  }

  async send(request: Uint8Array): Promise<Answer> {
    if (!this.socket) await this.connect();
    return new Promise<Answer>((resolve, reject) => {
      this.waiter = { started: performance.now(), resolve, reject };
      this.write(request);
    });
  }

  close(): void {
    this.socket?.end();
    this.socket = null;
  }

  private write(bytes: Uint8Array): void {
    const written = this.socket!.write(bytes);
    this.pendingWrite = written < bytes.length ? bytes.subarray(written) : null;
  }

  private async connect(): Promise<void> {
    this.socket = await Bun.connect({
      hostname: this.host,
      port: this.port,
      socket: {
        data: (_s, chunk) => this.onData(chunk),
        drain: () => {
          if (this.pendingWrite) this.write(this.pendingWrite);
        },
        close: () => this.fail(new Error("connection closed")),
        error: (_s, e) => this.fail(e),
      },
    });
  }

  private fail(e: Error): void {
    this.socket = null;
    this.buffer = Buffer.alloc(0);
    const w = this.waiter;
    this.waiter = null;
    w?.reject(e);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const headEnd = this.buffer.indexOf("\r\n\r\n");
    if (headEnd < 0) return;
    const head = this.buffer.toString("latin1", 0, headEnd);
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < headEnd + 4 + length) return;
    this.buffer = this.buffer.subarray(headEnd + 4 + length);
    const w = this.waiter!;
    this.waiter = null;
    w.resolve({ status: Number(head.slice(9, 12)), ms: performance.now() - w.started });
  }
}

/** A growing pool of keep-alive connections to one server. */
export class HttpLoad {
  private idle: Connection[] = [];
  private open = 0;
  private host: string;
  private port: number;

  constructor(baseUrl: string) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port);
  }

  /** An HTTP/1.1 POST as bytes, built once and sent as often as needed. */
  static post(path: string, headers: Record<string, string>, body: string): Uint8Array {
    const payload = Buffer.from(body);
    const lines = [`POST ${path} HTTP/1.1`, "host: bench", `content-length: ${payload.length}`];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`), payload]);
  }

  get connections(): number {
    return this.open;
  }

  async send(request: Uint8Array): Promise<Answer> {
    let c = this.idle.pop();
    if (!c) {
      c = new Connection(this.host, this.port);
      this.open++;
    }
    try {
      const answer = await c.send(request);
      this.idle.push(c);
      return answer;
    } catch (e) {
      this.open--;
      throw e;
    }
  }

  close(): void {
    for (const c of this.idle) c.close();
    this.idle = [];
  }
}
