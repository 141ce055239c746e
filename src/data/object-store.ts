import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { RodentError } from "../errors.js";

/**
 * Flat key → bytes store. Keys are POSIX-style relative paths ("snapshots/ID/manifest.json").
 * Implementations: LocalObjectStore (a folder under RODENT_HOME) and S3ObjectStore (S3-compatible).
 * Writes of a single object are atomic (readers see the old object or the whole new one).
 */
export interface ObjectStore {
  readonly kind: "local" | "s3";
  /** A human-readable location for logs and manifests, e.g. file:///… or s3://bucket/prefix. */
  readonly uri: string;
  put(key: string, body: Buffer | string): Promise<void>;
  /** Stream a local file into the store. */
  putFile(key: string, file: string): Promise<void>;
  /** Throws RODENT_ERR_NOT_FOUND when missing. */
  get(key: string): Promise<Buffer>;
  getStream(key: string): Promise<NodeJS.ReadableStream>;
  /** Copy an object to a local file. */
  getFile(key: string, file: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

function checkKey(key: string): string {
  if (!key || key.startsWith("/") || key.split("/").some((p) => p === ".." || p === "")) {
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `object key ${JSON.stringify(key)} is not a relative path`);
  }
  return key;
}

export class LocalObjectStore implements ObjectStore {
  readonly kind = "local" as const;
  readonly uri: string;
  constructor(readonly root: string) {
    this.uri = `file://${path.resolve(root)}`;
  }
  private p(key: string) {
    return path.join(this.root, checkKey(key));
  }
  private async tmpFor(file: string) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    return `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  }
  async put(key: string, body: Buffer | string) {
    const file = this.p(key);
    const tmp = await this.tmpFor(file);
    await fs.writeFile(tmp, body);
    await fs.rename(tmp, file);
  }
  async putFile(key: string, src: string) {
    const file = this.p(key);
    const tmp = await this.tmpFor(file);
    await fs.copyFile(src, tmp);
    await fs.rename(tmp, file);
  }
  async get(key: string) {
    try {
      return await fs.readFile(this.p(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT")
        throw new RodentError("RODENT_ERR_NOT_FOUND", `object ${key} not found in ${this.uri}`);
      throw e;
    }
  }
  async getStream(key: string): Promise<NodeJS.ReadableStream> {
    const file = this.p(key);
    if (!(await this.exists(key)))
      throw new RodentError("RODENT_ERR_NOT_FOUND", `object ${key} not found in ${this.uri}`);
    return createReadStream(file);
  }
  async getFile(key: string, dest: string) {
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await pipeline((await this.getStream(key)) as Readable, createWriteStream(dest));
  }
  async exists(key: string) {
    try {
      return (await fs.stat(this.p(key))).isFile();
    } catch {
      return false;
    }
  }
  async list(prefix: string) {
    const out: string[] = [];
    const walk = async (dir: string, rel: string) => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const ent of entries) {
        const r = rel ? `${rel}/${ent.name}` : ent.name;
        if (ent.isDirectory()) await walk(path.join(dir, ent.name), r);
        else if (ent.isFile() && !ent.name.includes(".tmp-") && r.startsWith(prefix)) out.push(r);
      }
    };
    // Walk only the deepest folder fully contained in the prefix.
    const base = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    await walk(base ? path.join(this.root, base) : this.root, base);
    return out.sort();
  }
  async delete(key: string) {
    await fs.rm(this.p(key), { force: true });
  }
}

/** Read a whole stream into a buffer (small objects only). */
export async function streamToBuffer(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s as Readable) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
