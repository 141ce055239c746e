import { createReadStream } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { RodentError } from "../../../errors.js";

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

/** A text stream of the file, gunzipped when it ends in .gz. */
export function openText(file: string, gzip: boolean): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const s = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on("error", (e) => s.destroy(e));
  s.setEncoding("utf8");
  return s;
}

export function fileFormatError(file: string, message: string, column?: string): RodentError {
  return new RodentError("RODENT_ERR_FILE_FORMAT", `${file}: ${message}`, { file, column });
}
