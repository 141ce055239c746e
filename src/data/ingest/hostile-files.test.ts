// Hostile and odd data files (docs/hardening.md): links followed, loops/dangling links/FIFOs named in an error (never skipped
// and never waited on), a JSON error body where records are expected is an error, and text that is not clean
// UTF-8 (invalid bytes, NUL, bidi overrides) is quarantined with a reason instead of reaching a snapshot.
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ErrorCode, isRodentError } from "../../errors.js";
import { silentLogger } from "../../util/log.js";
import { LocalObjectStore } from "../object-store.js";
import { loadRecords } from "../snapshot/store.js";
import { SUSPECT_TEXT } from "../validate/text.js";
import { INSPECTION_HEADER, inspectionRow, testConfig, tmpDir, writeDataFile } from "./ingest.fixture.js";
import { ingest, validateFiles } from "./ingest.js";

function setup() {
  const config = testConfig();
  const store = new LocalObjectStore(config.store.kind === "local" ? config.store.root : "");
  return { config, store, log: silentLogger };
}

const csv = (...rows: string[]) => `${INSPECTION_HEADER}\n${rows.join("\n")}\n`;

async function failure(p: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!isRodentError(e)) throw new Error(`expected a RodentError, got ${String(e)}`);
  return { code: e.code, message: e.message };
}

describe("links, loops and files that are not files", () => {
  it("follows a symbolic link to a data file, and a linked dataset folder", async () => {
    const { config, store, log } = setup();
    const elsewhere = tmpDir();
    const real = writeDataFile(elsewhere, "kept", "a.csv", csv(inspectionRow(), inspectionRow({ CAMIS: "41000002" })));
    const root = tmpDir();
    mkdirSync(path.join(root, "inspections"));
    symlinkSync(real, path.join(root, "inspections", "linked.csv"));
    const r = await ingest({ store, config, log, source: `dir:${root}` });
    expect(r.quality.datasets.inspections?.rows_in).toBe(2);
    expect(r.datasets.inspections?.rows).toBe(2);

    const root2 = tmpDir();
    symlinkSync(path.join(elsewhere, "kept"), path.join(root2, "inspections"));
    const r2 = await ingest({ store, config, log, source: `dir:${root2}` });
    expect(r2.quality.datasets.inspections?.rows_in).toBe(2);
  });

  const broken: [string, (dir: string) => void, RegExp][] = [
    ["a link to itself", (d) => symlinkSync(path.join(d, "loop.csv"), path.join(d, "loop.csv")), /loop/],
    ["a dangling link", (d) => symlinkSync(path.join(d, "gone.csv"), path.join(d, "dangling.csv")), /dangling/],
    ["a folder linked to its parent", (d) => symlinkSync(d, path.join(d, "again")), /loop/],
    ["a FIFO", (d) => execFileSync("mkfifo", [path.join(d, "pipe.csv")]), /named pipe/],
  ];
  for (const [what, make, why] of broken) {
    it(`names ${what} in a RODENT_ERR_FILE_FORMAT error instead of skipping it`, async () => {
      const { config, store, log } = setup();
      const root = tmpDir();
      writeDataFile(root, "inspections", "good.csv", csv(inspectionRow()));
      make(path.join(root, "inspections"));
      const f = await failure(ingest({ store, config, log, source: `dir:${root}` }));
      expect(f.code).toBe("RODENT_ERR_FILE_FORMAT");
      expect(f.message).toMatch(why);
      expect(f.message).toContain(path.join(root, "inspections"));
    });
  }

  it("rodent validate on a FIFO names it rather than waiting for a writer", async () => {
    const { config } = setup();
    const dir = path.join(tmpDir(), "inspections");
    mkdirSync(dir);
    const fifo = path.join(dir, "pipe.csv");
    execFileSync("mkfifo", [fifo]);
    const f = await failure(validateFiles({ path: fifo, config, log: silentLogger }));
    expect(f.code).toBe("RODENT_ERR_FILE_FORMAT");
    expect(f.message).toContain(fifo);
  });
});

describe("a JSON document that is not records", () => {
  for (const [what, text] of [
    ["an API error body", '{"error":true,"message":"Query timeout"}'],
    ["an empty file", ""],
    ["a number", "42"],
  ] as const) {
    it(`${what} is RODENT_ERR_FILE_FORMAT naming the file, not 0 rows`, async () => {
      const { config, store, log } = setup();
      const root = tmpDir();
      writeDataFile(root, "inspections", "good.csv", csv(inspectionRow()));
      const f = writeDataFile(root, "rat-sightings", "page.json", text);
      const e = await failure(ingest({ store, config, log, source: `dir:${root}` }));
      expect(e.code).toBe("RODENT_ERR_FILE_FORMAT");
      expect(e.message).toContain(f);
      if (what === "an API error body") expect(e.message).toContain("Query timeout");
    });
  }
  it("an empty array and a FeatureCollection still read", async () => {
    const { config, store, log } = setup();
    const root = tmpDir();
    writeDataFile(root, "inspections", "good.csv", csv(inspectionRow()));
    writeDataFile(root, "rat-sightings", "empty.json", "[]");
    writeDataFile(root, "rat-sightings", "fc.geojson", '{"type":"FeatureCollection","features":[]}');
    const r = await ingest({ store, config, log, source: `dir:${root}` });
    expect(r.quality.datasets.rat_sightings?.rows_in).toBe(0);
  });
});

describe("text that is not clean UTF-8", () => {
  const bad = [
    { camis: "41000011", dba: Buffer.from([0x4a, 0x4f, 0xff, 0x45]), reason: "invalid_utf8" }, // JO\xffE
    { camis: "41000012", dba: Buffer.from("NUL\u0000BYTE"), reason: "control_character" },
    { camis: "41000013", dba: Buffer.from("PIZZA \u202eAZZIP"), reason: "bidi_control" },
    { camis: "41000014", dba: Buffer.from("BELL\u0007"), reason: "control_character" },
  ];
  function hostileFolder(): string {
    const root = tmpDir();
    const parts: Buffer[] = [Buffer.from(`${INSPECTION_HEADER}\n${inspectionRow()}\n`)];
    for (const b of bad) {
      const line = inspectionRow({ CAMIS: b.camis, DBA: "@@" });
      const [pre, post] = line.split("@@");
      parts.push(Buffer.from(pre!), b.dba, Buffer.from(`${post}\n`));
    }
    // Junk in a column the dataset does not read costs no row.
    parts.push(Buffer.from(`${inspectionRow({ CAMIS: "41000015", NTA: "MN\u202e23" })}\n`));
    mkdirSync(path.join(root, "inspections"));
    writeFileSync(path.join(root, "inspections", "x.csv"), Buffer.concat(parts));
    return root;
  }

  it("quarantines each such row with the field and the reason, on the main thread and on the parse workers alike", async () => {
    const ids: string[] = [];
    for (const workers of [false, true]) {
      const { config, store, log } = setup();
      const r = await ingest({ store, config, log, source: `dir:${hostileFolder()}`, workers });
      const q = r.quality.datasets.inspections!;
      expect(q.rows_in).toBe(6);
      expect(q.quarantined).toBe(4);
      expect(q.by_reason).toEqual({ invalid_utf8: 1, control_character: 2, bidi_control: 1 });
      expect(q.by_field["dba:bidi_control"]).toBe(1);
      const kept = await loadRecords(store, r.snapshot, "inspections");
      for (const rec of kept as unknown as Record<string, unknown>[])
        for (const v of Object.values(rec)) if (typeof v === "string") expect(SUSPECT_TEXT.test(v), v).toBe(false);
      expect(new Set((kept as { camis: string }[]).map((x) => x.camis))).toEqual(new Set(["41000001", "41000015"]));
      ids.push(r.snapshot);
    }
    expect(ids[0]).toBe(ids[1]);
  });
});
