// Streaming gzip CSV writer: rows are batched into ~256 KB strings, compressed on libuv's thread pool (so
// compression overlaps generation), and hashed as written. Fixed gzip level and Node's zero mtime make the bytes
// depend only on the rows.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { constants, createGzip } from "node:zlib";

export const GZIP_LEVEL = 1;
const BATCH_CHARS = 1 << 18;

export interface WrittenFile {
  /** Path relative to the output folder, with forward slashes. */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** Quote a CSV field only when needed (RFC 4180). */
export function csvField(v: string): string {
  if (v === "") return v;
  if (/[",\r\n]/.test(v)) return `"${v.replace(/"/g, '""')}"`;
  return v;
}

export class GzCsvWriter {
  private readonly gzip;
  private readonly out;
  private readonly hash = createHash("sha256");
  private buf: string[] = [];
  private bufChars = 0;
  private bytes = 0;
  rows = 0;

  constructor(
    root: string,
    private readonly rel: string,
    header: string,
  ) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    this.gzip = createGzip({ level: GZIP_LEVEL, memLevel: 8, strategy: constants.Z_DEFAULT_STRATEGY });
    this.out = createWriteStream(file);
    this.gzip.on("data", (chunk: Buffer) => {
      this.hash.update(chunk);
      this.bytes += chunk.length;
    });
    this.gzip.pipe(this.out);
    this.buf.push(header, "\n");
    this.bufChars = header.length + 1;
  }

  /** Add one already-formatted CSV line (without the newline). */
  line(s: string): void {
    this.buf.push(s, "\n");
    this.bufChars += s.length + 1;
    this.rows++;
  }

  /** Hand the batch to gzip when it is big enough; waits for gzip to drain (bounded memory). */
  async maybeFlush(): Promise<void> {
    if (this.bufChars < BATCH_CHARS) return;
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.bufChars === 0) return;
    const chunk = this.buf.join("");
    this.buf = [];
    this.bufChars = 0;
    if (!this.gzip.write(chunk, "utf8")) await once(this.gzip, "drain");
  }

  async close(): Promise<WrittenFile> {
    await this.flush();
    this.gzip.end();
    await once(this.out, "close");
    return { path: this.rel, rows: this.rows, bytes: this.bytes, sha256: this.hash.digest("hex") };
  }
}
