import type { Readable } from "node:stream";
import { errorCodes } from "fastify";

// A request body as the chunks it arrived in, for a content-type parser that copies them once, straight into its
// own memory (rows-parser.ts), instead of Fastify's `parseAs: "buffer"`, which first concatenates them into a new
// buffer (a 121 KB allocation and copy per 100-row batch). The checks are Fastify's own (lib/content-type-parser.js,
// rawBody), with its errors: over the limit by Content-Length or while reading → 413, a length that differs from
// Content-Length → 400, a stream error → 400.

export type BodyCallback = (err: Error | null, chunks: Buffer[], length: number) => void;

export function readBodyChunks(
  payload: Readable & { receivedEncodedLength?: number },
  contentLengthHeader: string | undefined,
  limit: number,
  cb: BodyCallback,
): void {
  const contentLength = Number(contentLengthHeader);
  if (contentLength > limit) {
    cb(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), [], 0);
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  const stop = () => {
    payload.removeListener("data", onData);
    payload.removeListener("end", onEnd);
    payload.removeListener("error", onEnd);
  };
  function onData(chunk: Buffer | string) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    received += b.length;
    if (received > limit || (payload.receivedEncodedLength ?? 0) > limit) {
      stop();
      cb(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), [], 0);
      return;
    }
    chunks.push(b);
  }
  function onEnd(err?: Error & { statusCode?: number }) {
    stop();
    if (err != null) {
      if (!(typeof err.statusCode === "number" && err.statusCode >= 400)) err.statusCode = 400;
      cb(err, [], 0);
      return;
    }
    if (!Number.isNaN(contentLength) && (payload.receivedEncodedLength || received) !== contentLength) {
      cb(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(), [], 0);
      return;
    }
    cb(null, chunks, received);
  }
  payload.on("data", onData);
  payload.on("end", onEnd);
  payload.on("error", onEnd);
  payload.resume();
}
