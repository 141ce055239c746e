// Streaming gzip CSV writer: rows are encoded into 1 MB buffers, compressed on libuv's thread pool (so
// compression overlaps generation), and hashed as written. Fixed gzip level and Node's zero mtime make the bytes
// depend only on the rows.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { constants, createGzip } from "node:zlib";

export const GZIP_LEVEL = 1;
const BATCH_BYTES = 1 << 20;

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
  // Lines are encoded straight into a 1 MB buffer (no string joins); a full buffer goes to gzip as is.
  private buf = Buffer.allocUnsafe(BATCH_BYTES);
  private off = 0;
  private needDrain = false;
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
    this.append(header);
  }

  private append(s: string): void {
    // 3 bytes per UTF-16 unit is the UTF-8 worst case, so the line always fits after a hand-off.
    if (this.off + 3 * s.length + 1 > this.buf.length) {
      this.handOff();
      if (3 * s.length + 1 > this.buf.length) this.buf = Buffer.allocUnsafe(3 * s.length + 1);
    }
    this.off += this.buf.write(s, this.off, "utf8");
    this.buf[this.off++] = 10;
  }

  private handOff(): void {
    if (this.off === 0) return;
    if (!this.gzip.write(this.buf.subarray(0, this.off))) this.needDrain = true;
    this.buf = Buffer.allocUnsafe(BATCH_BYTES);
    this.off = 0;
  }

  /** Add one already-formatted CSV line (without the newline). */
  line(s: string): void {
    this.append(s);
    this.rows++;
  }

  /** Wait until gzip has caught up (bounded memory); cheap when it has. */
  async maybeFlush(): Promise<void> {
    if (!this.needDrain) return;
    this.needDrain = false;
    await once(this.gzip, "drain");
  }

  async close(): Promise<WrittenFile> {
    this.handOff();
    this.gzip.end();
    await once(this.out, "close");
    return { path: this.rel, rows: this.rows, bytes: this.bytes, sha256: this.hash.digest("hex") };
  }
}
