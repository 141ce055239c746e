import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { createGzip, type Gzip } from "node:zlib";

/** Fixed gzip level: the same records always give the same bytes (Node writes mtime 0 in the gzip header). */
export const GZIP_LEVEL = 6;
const BATCH_CHARS = 1 << 16;

export interface WrittenFile {
  file: string;
  lines: number;
  bytes: number;
  /** sha256 of the gzip file's bytes. */
  sha256: string;
  /** sha256 of the uncompressed NDJSON (stable across zlib versions; feeds the snapshot id). */
  contentSha256: string;
}

/** Appends NDJSON lines to a .ndjson.gz file, hashing the content and the compressed bytes as it goes. */
export class NdjsonGzWriter {
  private readonly gz: Gzip;
  private readonly out: WriteStream;
  private readonly contentHash = createHash("sha256");
  private readonly fileHash = createHash("sha256");
  private bytes = 0;
  private lines = 0;
  private batch: string[] = [];
  private batchChars = 0;
  private readonly closed: Promise<void>;

  constructor(readonly file: string) {
    this.gz = createGzip({ level: GZIP_LEVEL });
    this.out = createWriteStream(file);
    this.gz.on("data", (b: Buffer) => {
      this.fileHash.update(b);
      this.bytes += b.length;
    });
    this.gz.pipe(this.out);
    this.closed = new Promise((resolve, reject) => {
      this.out.on("close", resolve);
      this.out.on("error", reject);
      this.gz.on("error", reject);
    });
  }

  /** Add one line (without the newline). Await it: it waits when the gzip stream is full. */
  async write(line: string): Promise<void> {
    this.batch.push(line);
    this.batchChars += line.length + 1;
    this.lines++;
    if (this.batchChars >= BATCH_CHARS) await this.flushBatch();
  }

  private async flushBatch(): Promise<void> {
    if (this.batch.length === 0) return;
    const text = `${this.batch.join("\n")}\n`;
    this.batch = [];
    this.batchChars = 0;
    this.contentHash.update(text);
    if (!this.gz.write(text)) await once(this.gz, "drain");
  }

  async close(): Promise<WrittenFile> {
    await this.flushBatch();
    this.gz.end();
    await this.closed;
    return {
      file: this.file,
      lines: this.lines,
      bytes: this.bytes,
      sha256: this.fileHash.digest("hex"),
      contentSha256: this.contentHash.digest("hex"),
    };
  }
}
