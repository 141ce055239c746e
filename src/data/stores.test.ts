import { createHash, randomUUID } from "node:crypto";
import path from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { silentLogger } from "../util/log.js";
import { INSPECTION_HEADER, inspectionRow, testConfig, tmpDir, writeDataFile } from "./ingest/ingest.fixture.js";
import { ingest } from "./ingest/ingest.js";
import { LocalObjectStore, type ObjectStore } from "./object-store.js";
import { S3ObjectStore } from "./s3-store.js";
import { gcSnapshots, listSnapshots, loadRecords } from "./snapshot/store.js";
import { runObjectStoreContract } from "./store-contract.case.js";
import { createObjectStore } from "./store-factory.js";

/** A fresh bucket on the moto S3 server that the global setup starts. */
async function s3Store(prefix = ""): Promise<S3ObjectStore> {
  const endpoint = process.env.RODENT_TEST_S3_ENDPOINT;
  if (!endpoint) throw new Error("RODENT_TEST_S3_ENDPOINT is not set: run without RODENT_TEST_NO_SERVERS=1");
  const bucket = `rodent-${randomUUID().slice(0, 8)}`;
  const s = new S3ObjectStore({
    bucket,
    prefix,
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  await s.client.send(new CreateBucketCommand({ Bucket: bucket }));
  return s;
}

const IMPLEMENTATIONS: [string, () => Promise<ObjectStore>][] = [
  ["LocalObjectStore", async () => new LocalObjectStore(tmpDir("rodent-local-store-"))],
  ["S3ObjectStore (moto)", () => s3Store()],
  ["S3ObjectStore with a key prefix (moto)", () => s3Store("team/rodent")],
];

describe.each(IMPLEMENTATIONS)("ObjectStore contract: %s", (_name, make) => {
  runObjectStoreContract(make);
});

describe("snapshots on S3", () => {
  it("round-trips a snapshot: same id and bytes as the local store, listed, records read back", async () => {
    const config = testConfig();
    const root = tmpDir();
    const csv = `${INSPECTION_HEADER}\n${inspectionRow()}\n${inspectionRow({ CAMIS: "41000002", BORO: "Narnia" })}\n`;
    writeDataFile(root, "inspections", "x.csv", csv);
    writeDataFile(root, "weather", "w.csv", "DATE,PRCP,SNOW,SNWD,TMIN,TMAX\n2020-01-01,0.1,0,0,30,40\n");
    const s3 = await s3Store("snapshots-test");
    const local = new LocalObjectStore(tmpDir());
    const a = await ingest({ store: s3, config, log: silentLogger, source: `dir:${root}` });
    const b = await ingest({ store: local, config, log: silentLogger, source: `dir:${root}` });
    expect(a.snapshot).toBe(b.snapshot);
    expect(a.manifest.datasets).toEqual(b.manifest.datasets);
    for (const f of a.manifest.datasets.inspections!.files)
      expect(
        createHash("sha256")
          .update(await s3.get(f.key))
          .digest("hex"),
      ).toBe(f.sha256);
    expect((await listSnapshots(s3)).map((m) => m.id)).toEqual([a.snapshot]);
    expect(await loadRecords(s3, a.snapshot, "inspections")).toEqual(
      await loadRecords(local, a.snapshot, "inspections"),
    );
    expect(await loadRecords(s3, a.snapshot, "weather")).toEqual([
      { date: "2020-01-01", tmax: 40, tmin: 30, prcp: 0.1 },
    ]);
    const again = await ingest({ store: s3, config, log: silentLogger, source: `dir:${root}` });
    expect(again.reused).toBe(true);

    // A stray upload without a manifest is invisible, and gc removes it.
    await s3.put("snapshots/snap-aaaaaaaaaaaa/data/inspections.ndjson.gz", "partial");
    expect((await listSnapshots(s3)).map((m) => m.id)).toEqual([a.snapshot]);
    expect((await gcSnapshots(s3)).deleted).toEqual(["snapshots/snap-aaaaaaaaaaaa/data/inspections.ndjson.gz"]);
    expect(await loadRecords(s3, a.snapshot, "inspections")).toHaveLength(1);
  });

  it("createObjectStore picks the backend from config", () => {
    const home = tmpDir();
    const local = createObjectStore(loadConfig({ RODENT_HOME: home }));
    expect(local.kind).toBe("local");
    expect(local.uri).toBe(`file://${path.join(home, "store")}`);
    const s3 = createObjectStore(
      loadConfig({ RODENT_HOME: home, RODENT_STORE: "s3", RODENT_S3_BUCKET: "bkt", RODENT_S3_PREFIX: "x/y" }),
    );
    expect(s3.kind).toBe("s3");
    expect(s3.uri).toBe("s3://bkt/x/y");
  });
});
