import { createReadStream } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { RodentError } from "../../../errors.js";
import { SUSPECT_TEXT } from "../../validate/text.js";

export type FileFormat = "csv" | "json" | "geojson";

const EXTENSIONS: [string, FileFormat, boolean][] = [
  [".csv", "csv", false],
  [".csv.gz", "csv", true],
  [".json", "json", false],
  [".json.gz", "json", true],
  [".geojson", "geojson", false],
  [".geojson.gz", "geojson", true],
];

/** Format and compression from the file name; null when the extension is not one we read. */
export function detectFormat(file: string): { format: FileFormat; gzip: boolean } | null {
  const name = path.basename(file).toLowerCase();
  for (const [ext, format, gzip] of EXTENSIONS) if (name.endsWith(ext)) return { format, gzip };
  return null;
}

export const SUPPORTED_EXTENSIONS = EXTENSIONS.map(([e]) => e);

const TEXT_CHUNK = 48 * 1024;

/**
 * The file's text in chunks, gunzipped when it ends in .gz. TextDecoder (simdutf) decodes UTF-8 ~3x faster than
 * a Readable's setEncoding (StringDecoder) on these exports; a leading BOM is dropped, bad bytes become U+FFFD.
 * `seen.suspect` turns true once a chunk holds a character validate/text.ts refuses (its rows are then checked).
 */
export async function* openText(file: string, gzip: boolean, seen?: { suspect: boolean }): AsyncGenerator<string> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  // Large gunzip output chunks: one hand-off per 256 KB instead of per 16 KB.
  const s: Readable = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 18 })) : raw;
  if (gzip) raw.on("error", (e) => s.destroy(e));
  const decoder = new TextDecoder("utf-8");
  try {
    for await (const b of s as AsyncIterable<Buffer>) {
      // Strings of at most TEXT_CHUNK bytes stay in V8's young generation; larger ones get pages of their own
      // (mmap, page faults, unmap), which cost more system time than the decoding itself.
      for (let i = 0; i < b.length; i += TEXT_CHUNK) {
        const t = decoder.decode(b.subarray(i, i + TEXT_CHUNK), { stream: true });
        if (seen && !seen.suspect && SUSPECT_TEXT.test(t)) seen.suspect = true;
        if (t) yield t;
      }
    }
    const tail = decoder.decode();
    if (seen && !seen.suspect && SUSPECT_TEXT.test(tail)) seen.suspect = true;
    if (tail) yield tail;
  } finally {
    raw.destroy();
    if (gzip) s.destroy();
  }
}

export function fileFormatError(file: string, message: string, column?: string): RodentError {
  return new RodentError("RODENT_ERR_FILE_FORMAT", `${file}: ${message}`, { file, column });
}
