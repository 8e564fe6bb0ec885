import { TooLarge } from "../http/errors";

/** Reads the body as text, refusing it before parsing once it passes `limit` bytes. */
export async function readBodyLimited(request: Request, limit: number): Promise<string> {
  // The unread rest of the body is not drained: the connection is closed instead.
  const tooLarge = () =>
    new TooLarge("payload_too_large", `request body is over the limit of ${limit} bytes`, { bodyUnread: true });
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw tooLarge();
  if (!request.body) return "";
  // With a declared length the server reads exactly that many bytes: take the native path.
  if (Number.isFinite(declared)) return request.text();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}
