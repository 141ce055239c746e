import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { afterAll } from "vitest";
import { LocalObjectStore, type ObjectStore } from "../data/object-store.js";
import { S3ObjectStore } from "../data/s3-store.js";
import { openEmbeddedTracking } from "./open.js";
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

runTrackingContract({
  name: "embedded (SQLite + local object store)",
  make: () => embedded(async (dir) => new LocalObjectStore(path.join(dir, "store"))),
});

// Artifacts in S3 (the moto server global setup starts), metadata still in SQLite.
runTrackingContract({
  name: "embedded (SQLite + S3 object store)",
  make: () =>
    embedded(async () => {
      const endpoint = process.env.RODENT_TEST_S3_ENDPOINT;
      if (!endpoint) throw new Error("RODENT_TEST_S3_ENDPOINT is unset: run without RODENT_TEST_NO_SERVERS");
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
      return s3;
    }),
});
