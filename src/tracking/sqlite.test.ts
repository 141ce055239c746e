import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { LocalObjectStore, type ObjectStore, S3ObjectStore } from "../data/index.js";
import { isRodentError } from "../errors.js";
import { openEmbeddedTracking, openTracking } from "./open.js";
import { runTrackingContract } from "./tracker.case.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

async function embedded(store: (dir: string) => Promise<ObjectStore>) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "rodent-tracking-"));
  dirs.push(dir);
  return openEmbeddedTracking(path.join(dir, "registry.sqlite"), await store(dir));
}

// Opened the way the CLI opens it: from configuration (RODENT_TRACKING_URI unset = embedded under RODENT_HOME).
// Every make() opens the same home, as a second process would.
let contractHome = "";
runTrackingContract({
  name: "embedded (SQLite + local object store)",
  env: () => ({ RODENT_HOME: contractHome }),
  make: async () => {
    if (!contractHome) {
      contractHome = await fs.mkdtemp(path.join(os.tmpdir(), "rodent-tracking-"));
      dirs.push(contractHome);
    }
    const home = contractHome;
    const config = loadConfig({ RODENT_HOME: home });
    const t = await openTracking(config, new LocalObjectStore(path.join(home, "store")));
    if (t.kind !== "embedded" || config.tracking.kind !== "embedded") throw new Error("expected the embedded backend");
    return t;
  },
});

// Artifacts in S3 (the moto server global setup starts), metadata still in SQLite. Every make() opens the same
// database and bucket, as a second process would.
let s3Db: { dbPath: string; store: S3ObjectStore } | null = null;
runTrackingContract({
  name: "embedded (SQLite + S3 object store)",
  make: async () => {
    if (!s3Db) {
      const endpoint = process.env.RODENT_TEST_S3_ENDPOINT;
      if (!endpoint) throw new Error("RODENT_TEST_S3_ENDPOINT is unset: run without RODENT_TEST_NO_SERVERS");
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "rodent-tracking-"));
      dirs.push(dir);
      const bucket = `rodent-tracking-${randomUUID().slice(0, 8)}`;
      const s3 = new S3ObjectStore({
        bucket,
        prefix: "team",
        endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      });
      await s3.client.send(new CreateBucketCommand({ Bucket: bucket }));
      s3Db = { dbPath: path.join(dir, "registry.sqlite"), store: s3 };
    }
    return openEmbeddedTracking(s3Db.dbPath, s3Db.store);
  },
});

describe("embedded backend errors", () => {
  it("reports SQLite failures as RODENT_ERR_TRACKING naming the database", async () => {
    const t = await embedded(async (dir) => new LocalObjectStore(path.join(dir, "store")));
    await t.close();
    const err = await t.tracker.getOrCreateExperiment("x").catch((e: unknown) => e);
    expect(isRodentError(err, "RODENT_ERR_TRACKING")).toBe(true);
    expect((err as Error).message).toContain("registry.sqlite");
  });

  it("refuses a database written by a newer schema", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "rodent-tracking-"));
    dirs.push(dir);
    const dbPath = path.join(dir, "registry.sqlite");
    openEmbeddedTracking(dbPath, new LocalObjectStore(dir)).close();
    const db = new Database(dbPath);
    db.pragma("user_version = 99");
    db.close();
    let err: unknown;
    try {
      openEmbeddedTracking(dbPath, new LocalObjectStore(dir));
    } catch (e) {
      err = e;
    }
    expect(isRodentError(err, "RODENT_ERR_TRACKING")).toBe(true);
  });
});
