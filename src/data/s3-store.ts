import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { RodentError } from "../errors.js";
import type { ObjectStore } from "./object-store.js";

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket ("" or "team/rodent"). */
  prefix?: string;
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Explicit credentials; otherwise the SDK's default chain (AWS_ACCESS_KEY_ID/… , profiles, IRSA). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

function isNotFound(e: unknown): boolean {
  const x = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return x?.name === "NoSuchKey" || x?.name === "NotFound" || x?.$metadata?.httpStatusCode === 404;
}

/**
 * ObjectStore on any S3-compatible server (AWS, MinIO, moto) through @aws-sdk/client-s3, path-style by
 * default. A single PUT is atomic in S3 (readers see the old object or the whole new one), which is what
 * the snapshot protocol relies on: data objects first, the manifest object last.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = "s3" as const;
  readonly uri: string;
  readonly client: S3Client;
  private readonly prefix: string;

  constructor(readonly opts: S3StoreOptions) {
    this.prefix = (opts.prefix ?? "").replace(/^\/+|\/+$/g, "");
    this.uri = `s3://${opts.bucket}${this.prefix ? `/${this.prefix}` : ""}`;
    const cfg: S3ClientConfig = {
      region: opts.region ?? "us-east-1",
      forcePathStyle: opts.forcePathStyle ?? true,
      endpoint: opts.endpoint,
      credentials: opts.credentials,
    };
    this.client = new S3Client(cfg);
  }

  private k(key: string): string {
    if (!key || key.startsWith("/") || key.split("/").some((p) => p === ".." || p === ""))
      throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `object key ${JSON.stringify(key)} is not a relative path`);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private fail(op: string, key: string, e: unknown): never {
    if (e instanceof RodentError) throw e;
    throw new RodentError(
      "RODENT_ERR_STORE",
      `S3 ${op} ${this.uri}/${key} failed: ${(e as Error)?.message ?? e}`,
      { key },
      { cause: e },
    );
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.opts.bucket, Key: this.k(key), Body: body }));
    } catch (e) {
      this.fail("put", key, e);
    }
  }

  /** Streams the file (no whole-file buffer); ContentLength lets the SDK send it in one PUT. */
  async putFile(key: string, file: string): Promise<void> {
    try {
      const { size } = await fs.stat(file);
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.opts.bucket,
          Key: this.k(key),
          Body: createReadStream(file),
          ContentLength: size,
        }),
      );
    } catch (e) {
      this.fail("putFile", key, e);
    }
  }

  async getStream(key: string): Promise<NodeJS.ReadableStream> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.k(key) }));
      return r.Body as Readable;
    } catch (e) {
      if (isNotFound(e)) throw new RodentError("RODENT_ERR_NOT_FOUND", `object ${key} not found in ${this.uri}`);
      this.fail("get", key, e);
    }
  }

  async get(key: string): Promise<Buffer> {
    const s = (await this.getStream(key)) as Readable;
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  }

  async getFile(key: string, dest: string): Promise<void> {
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await pipeline((await this.getStream(key)) as Readable, createWriteStream(dest));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: this.k(key) }));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      this.fail("head", key, e);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const full = this.prefix ? `${this.prefix}/${prefix}` : prefix;
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    const out: string[] = [];
    let token: string | undefined;
    try {
      do {
        const r = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.opts.bucket, Prefix: full, ContinuationToken: token }),
        );
        for (const o of r.Contents ?? []) if (o.Key) out.push(o.Key.slice(strip));
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      this.fail("list", prefix, e);
    }
    return out.sort();
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: this.k(key) }));
    } catch (e) {
      if (!isNotFound(e)) this.fail("delete", key, e);
    }
  }
}
