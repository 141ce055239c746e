import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { createGzip, type Gzip } from "node:zlib";

/**
 * Fixed gzip level: the same records always give the same bytes (Node writes mtime 0 in the gzip header).
 * Level 1 deflates 2.7x faster than 6 on snapshot NDJSON (610 vs 230 MB/s) for files ~50% larger; the snapshot
 * id derives from the uncompressed content, so the level does not change ids.
 */
export const GZIP_LEVEL = 1;
/** Joined batches stay below V8's large-object size (~128 KB), so they live and die in the young generation. */
const BATCH_CHARS = 48 * 1024;
/**
 * Encoded batches collect in 1 MB buffers handed to gzip whole (one zlib round trip per MB), then recycled:
 * fresh buffers for every batch cost page faults.
 */
const CHUNK_BYTES = 1 << 20;
/** zlib output chunk: fewer hand-offs between the zlib thread and this one than the 16 KB default. */
const GZIP_CHUNK = 1 << 18;

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
  private readonly pool: Buffer[] = [];
  private chunk: Buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private used = 0;
  private readonly closed: Promise<void>;

  constructor(readonly file: string) {
    this.gz = createGzip({ level: GZIP_LEVEL, chunkSize: GZIP_CHUNK });
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

  /**
   * Add one line (without the newline). Returns a promise only when the gzip stream is full: await it then.
   * (No promise per line: this runs once per record, millions of times.)
   */
  write(line: string): Promise<void> | null {
    this.batch.push(line);
    this.batchChars += line.length + 1;
    this.lines++;
    return this.batchChars >= BATCH_CHARS ? this.flushBatch() : null;
  }

  /**
   * Add one line already encoded: buf[start, end), newline included (the parse workers' output). Copied, not
   * decoded and re-encoded. Returns a promise only when the gzip stream is full.
   */
  writeBytes(buf: Buffer, start: number, end: number): Promise<void> | null {
    const flushed = this.flushBatch(); // earlier text lines first
    const len = end - start;
    this.lines++;
    let p: Promise<void> | null = null;
    if (this.used + len > this.chunk.length) p = this.ship();
    if (len > this.chunk.length) {
      const bytes = Buffer.from(buf.subarray(start, end));
      this.contentHash.update(bytes);
      const ok = this.gz.write(bytes);
      return Promise.all([flushed, p, ok ? null : once(this.gz, "drain")]).then(() => undefined);
    }
    this.used += buf.copy(this.chunk, this.used, start, end);
    return flushed || p ? Promise.all([flushed, p]).then(() => undefined) : null;
  }

  /** Encode the batch into the current chunk (once: the content hash then reads bytes, not the string). */
  private flushBatch(): Promise<void> | null {
    if (this.batch.length === 0) return null;
    this.batch.push(""); // the final newline, without a concatenation that would need flattening again
    const text = this.batch.join("\n");
    this.batch = [];
    this.batchChars = 0;
    const worst = text.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    let p: Promise<void> | null = null;
    if (this.used + worst > this.chunk.length) p = this.ship();
    if (worst > this.chunk.length) {
      // A batch with a huge line: its own buffer.
      const big = Buffer.allocUnsafeSlow(worst);
      const bytes = big.subarray(0, big.write(text, 0, "utf8"));
      this.contentHash.update(bytes);
      const ok = this.gz.write(bytes);
      return ok && !p ? null : Promise.all([p, ok ? null : once(this.gz, "drain")]).then(() => undefined);
    }
    this.used += this.chunk.write(text, this.used, "utf8");
    return p;
  }

  /** Hash and compress the filled part of the chunk; continue in a recycled one. */
  private ship(): Promise<void> | null {
    if (this.used === 0) return null;
    const buf = this.chunk;
    const bytes = buf.subarray(0, this.used);
    this.contentHash.update(bytes);
    this.chunk = this.pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.used = 0;
    // zlib holds the bytes until the callback: only then may the buffer be reused.
    const ok = this.gz.write(bytes, () => this.pool.push(buf));
    return ok ? null : once(this.gz, "drain").then(() => undefined);
  }

  async close(): Promise<WrittenFile> {
    await this.flushBatch();
    await this.ship();
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
