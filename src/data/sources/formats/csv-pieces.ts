import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CsvSplitter } from "./csv-split.js";
import { fileFormatError } from "./open.js";

/** Aim for pieces of about this many bytes: big enough that a message per piece is cheap, small enough to balance. */
export const PIECE_BYTES = 512 * 1024;

/** A CSV file as its header row and then raw byte pieces that each end at a row boundary. */
export interface CsvPieces {
  columns: string[];
  /** Each piece owns its whole ArrayBuffer, so it can be transferred to a worker without a copy. */
  pieces: AsyncIterable<Buffer>;
  /** Release the file when the pieces will not be read to the end. */
  close(): void;
}

const QUOTE = 34;
const LF = 10;

/** Number of `"` bytes in b[from, to). */
function quotes(b: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = b.indexOf(QUOTE, from); i >= 0 && i < to; i = b.indexOf(QUOTE, i + 1)) n++;
  return n;
}

function concat(parts: Buffer[], bytes: number): Buffer {
  const out = Buffer.allocUnsafeSlow(bytes);
  let at = 0;
  for (const p of parts) at += p.copy(out, at);
  return out;
}

/**
 * Split a (gzip) CSV file into row-aligned byte pieces without decoding it: a piece ends at a line feed outside
 * quotes (an even number of `"` since the piece started; a doubled "" inside a field counts twice, so parity
 * still tells inside from outside). The pieces can then be parsed anywhere, in any order, and put back in order.
 */
export async function readCsvPieces(file: string, gzip: boolean, pieceBytes = PIECE_BYTES): Promise<CsvPieces> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream: Readable = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 18 })) : raw;
  if (gzip) raw.on("error", (e) => stream.destroy(e));
  const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const close = () => {
    raw.destroy();
    if (gzip) stream.destroy();
  };

  // The header row: bytes up to the first line feed outside quotes.
  let head: Buffer = Buffer.alloc(0);
  let headerEnd = -1;
  try {
    while (headerEnd < 0) {
      const r = await it.next();
      if (r.done) break;
      const from = head.length;
      head = head.length ? Buffer.concat([head, r.value]) : r.value;
      let parity = quotes(head, 0, from) & 1;
      for (let i = from; i < head.length; i++) {
        const c = head[i];
        if (c === QUOTE) parity ^= 1;
        else if (c === LF && parity === 0) {
          headerEnd = i + 1;
          break;
        }
      }
    }
  } catch (e) {
    close();
    throw fileFormatError(file, `not a readable CSV file (${(e as Error).message})`);
  }
  const headText = new TextDecoder("utf-8").decode(headerEnd < 0 ? head : head.subarray(0, headerEnd));
  const rows: string[][] = [];
  const splitter = new CsvSplitter();
  try {
    splitter.push(headText, rows);
    splitter.end(rows);
  } catch (e) {
    close();
    throw fileFormatError(file, `not a readable CSV file (${(e as Error).message})`);
  }
  if (rows.length === 0) {
    close();
    throw fileFormatError(file, "empty file: no header row");
  }
  const columns = rows[0]!;
  const rest = headerEnd < 0 ? Buffer.alloc(0) : head.subarray(headerEnd);

  async function* pieces(): AsyncGenerator<Buffer> {
    let parts: Buffer[] = [];
    let bytes = 0;
    let parity = 0; // quotes since the current piece began, mod 2
    const take = (b: Buffer) => {
      if (b.length === 0) return;
      parts.push(b);
      bytes += b.length;
    };
    try {
      const feed = function* (b: Buffer): Generator<Buffer> {
        const endParity = (parity + quotes(b, 0, b.length)) & 1;
        const lf = bytes + b.length >= pieceBytes ? b.lastIndexOf(LF) : -1;
        if (lf >= 0) {
          const after = quotes(b, lf + 1, b.length) & 1;
          if (((endParity ^ after) & 1) === 0) {
            // The last line feed is outside quotes: cut there.
            take(b.subarray(0, lf + 1));
            yield concat(parts, bytes);
            parts = [];
            bytes = 0;
            take(b.subarray(lf + 1));
            parity = after;
            return;
          }
        }
        take(b);
        parity = endParity;
      };
      yield* feed(rest);
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        yield* feed(r.value);
      }
    } catch (e) {
      throw fileFormatError(file, `CSV parse error: ${(e as Error).message}`);
    } finally {
      close();
    }
    if (bytes > 0) yield concat(parts, bytes);
  }
  return { columns, pieces: pieces(), close };
}
