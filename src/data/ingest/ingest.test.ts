import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { describe, expect, it } from "vitest";
import { isRodentError } from "../../errors.js";
import { silentLogger } from "../../util/log.js";
import { LocalObjectStore, streamToBuffer } from "../object-store.js";
import { listSnapshots, loadRecords, readManifest, readRecords } from "../snapshot/store.js";
import { isBalanced } from "../validate/quality.js";
import type { QuarantineEntry } from "../validate/quarantine.js";
import { INSPECTION_HEADER, inspectionRow, testConfig, tmpDir, writeDataFile } from "./ingest.fixture.js";
import { ingest, validateFiles } from "./ingest.js";

async function quarantineOf(store: LocalObjectStore, id: string): Promise<QuarantineEntry[]> {
  const m = await readManifest(store, id);
  const s = ((await store.getStream(m.quarantine_key)) as Readable).pipe(createGunzip());
  const text = (await streamToBuffer(s)).toString("utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function setup() {
  const config = testConfig();
  const store = new LocalObjectStore(config.store.kind === "local" ? config.store.root : "");
  return { config, store, log: silentLogger };
}

describe("ingest of the real NYC files", () => {
  it("keeps or quarantines every row, and gives the same id and hashes twice", async () => {
    const { config, store, log } = setup();
    const nyc = path.join(config.dataDir, "nyc");
    expect(existsSync(nyc), `${nyc} (RODENT_DATA_DIR)`).toBe(true);
    const a = await ingest({ store, config, log, source: `dir:${nyc}` });
    expect(a.reused).toBe(false);
    for (const [name, q] of Object.entries(a.quality.datasets)) {
      expect(isBalanced(q!), name).toBe(true);
      // Only weather merges (two overlapping NOAA files); everything else is rows in = kept + quarantined.
      if (name !== "weather") expect(q!.rows_in).toBe(q!.rows + q!.quarantined);
    }
    const q = a.quality.datasets;
    expect(q.inspections).toMatchObject({ rows_in: 4999, placeholder_dates: 884 });
    expect(q.inspections!.by_reason).toEqual({ missing_borough: 10, duplicate_row: 1 });
    expect(q.rat_sightings).toMatchObject({ rows_in: 2913 + 1547, quarantined: 0 });
    expect(q.weather).toMatchObject({ rows_in: 56245 + 762, rows: 56245, merged: 762, merge_conflicts: 0 });
    expect(Object.keys(a.datasets).sort()).toEqual(["inspections", "rat_sightings", "weather"]);
    expect(a.datasets.weather).toEqual({ rows: 56245, quarantined: 0, min_date: "1869-01-01", max_date: "2022-12-29" });

    // Every stored file matches the sha256 in the manifest.
    for (const d of Object.values(a.manifest.datasets))
      for (const f of d!.files)
        expect(
          createHash("sha256")
            .update(await store.get(f.key))
            .digest("hex"),
        ).toBe(f.sha256);

    const b = await ingest({ store, config, log, source: `dir:${nyc}` });
    expect(b.snapshot).toBe(a.snapshot);
    expect(b.reused).toBe(true);
    expect(b.manifest.datasets).toEqual(a.manifest.datasets);
    expect((await listSnapshots(store)).map((m) => m.id)).toEqual([a.snapshot]);

    // A fresh store gives byte-identical files.
    const other = setup();
    const c = await ingest({ ...other, source: `dir:${nyc}` });
    expect(c.snapshot).toBe(a.snapshot);
    expect(c.reused).toBe(false);
    expect(c.manifest.datasets).toEqual(a.manifest.datasets);

    const ratsWithoutBorough = (await loadRecords(store, a.snapshot, "rat_sightings")).filter(
      (r) => r.borough === null,
    );
    expect(ratsWithoutBorough).toHaveLength(6); // 311's "Unspecified": valid, borough null
  });
});

describe("validation of a hand-written CSV", () => {
  const rows = [
    inspectionRow(), // 1 ok
    inspectionRow({ CAMIS: "41000002", "INSPECTION DATE": "2023-06-02", SCORE: "144" }), // 2 ok (ISO date, high score)
    inspectionRow({ CAMIS: "41000003", "INSPECTION DATE": "02/30/2023" }), // 3 bad date
    inspectionRow({ CAMIS: "41000004", BORO: "Narnia" }), // 4 unknown borough
    inspectionRow({ CAMIS: "41000005", Latitude: "91" }), // 5 latitude outside NYC
    inspectionRow({ "VIOLATION DESCRIPTION": "same key, other text" }), // 6 duplicate key of row 1
    inspectionRow({ CAMIS: "41000006", "INSPECTION DATE": "1900-01-01", "INSPECTION TYPE": "", SCORE: "" }), // 7 placeholder: kept
    inspectionRow({ CAMIS: "41000007", Latitude: "0", Longitude: "0", BORO: "QUEENS" }), // 8 0,0 = missing: kept
    inspectionRow({ CAMIS: "41000008", "INSPECTION DATE": "10/02/2023 03:56:48 PM", BORO: "2" }), // 9 ok
  ];
  const csv = `${INSPECTION_HEADER}\n${rows.join("\n")}\n`;

  it("quarantines exactly the bad date, Narnia, latitude 91 and the duplicate key", async () => {
    const { config, store, log } = setup();
    const root = tmpDir();
    writeDataFile(root, "inspections", "hand.csv", csv);
    const r = await ingest({ store, config, log, source: `dir:${root}` });
    expect(r.datasets.inspections).toEqual({ rows: 5, quarantined: 4, min_date: "2023-05-01", max_date: "2023-10-02" });
    const qs = await quarantineOf(store, r.snapshot);
    expect(qs.map((q) => [q.row, q.field, q.reason]).sort()).toEqual([
      [3, "inspection_date", "bad_date"],
      [4, "boro", "unknown_borough"],
      [5, "latitude", "coordinates_outside_nyc"],
      [6, "key", "duplicate_key"],
    ]);
    expect(qs.find((q) => q.row === 4)!.raw.BORO).toBe("Narnia");
    expect(qs.every((q) => q.file === "inspections/hand.csv" && q.dataset === "inspections")).toBe(true);
    const recs = await loadRecords(store, r.snapshot, "inspections");
    expect(recs.map((x) => x.camis)).toEqual(["41000001", "41000002", "41000006", "41000007", "41000008"]);
    expect(recs[0]).toMatchObject({
      inspectionDate: "2023-05-01",
      violationDescription: expect.stringContaining("mice"),
    });
    expect(recs[1]!.score).toBe(144);
    expect(recs[2]).toMatchObject({ inspectionDate: "1900-01-01", score: null, inspectionType: "" });
    expect(recs[3]).toMatchObject({ boro: "Queens", latitude: null, longitude: null });
    expect(recs[4]).toMatchObject({ boro: "Bronx", inspectionDate: "2023-10-02" });
    expect(r.quality.datasets.inspections!.placeholder_dates).toBe(1);

    // validate gives the same report without writing a snapshot.
    const v = await validateFiles({ path: root, config, log });
    expect(v.quality.datasets.inspections).toEqual(r.quality.datasets.inspections);
    const single = await validateFiles({ path: path.join(root, "inspections", "hand.csv"), config, log });
    expect(single.quality.datasets.inspections!.quarantined).toBe(4);
  });

  it("stops on a whole-file problem, naming file and column, and leaves earlier snapshots untouched", async () => {
    const { config, store, log } = setup();
    const good = tmpDir();
    writeDataFile(good, "inspections", "a.csv", csv);
    const first = await ingest({ store, config, log, source: `dir:${good}` });
    const before = await store.list("");

    const bad = tmpDir();
    writeDataFile(bad, "inspections", "a.csv", csv);
    writeDataFile(bad, "inspections", "b.csv.gz", csv.replace("INSPECTION DATE", "INSPECTED ON"));
    const err = await ingest({ store, config, log, source: `dir:${bad}` }).catch((e) => e);
    expect(isRodentError(err, "RODENT_ERR_FILE_FORMAT")).toBe(true);
    expect(err.message).toContain("b.csv.gz");
    expect(err.details).toMatchObject({ column: "inspection_date" });

    const unknown = tmpDir();
    writeDataFile(unknown, "inspections", "a.xlsx", "PK...");
    const err2 = await ingest({ store, config, log, source: `dir:${unknown}` }).catch((e) => e);
    expect(isRodentError(err2, "RODENT_ERR_FILE_FORMAT")).toBe(true);
    expect(err2.message).toContain("a.xlsx");

    expect(await store.list("")).toEqual(before);
    expect((await listSnapshots(store)).map((m) => m.id)).toEqual([first.snapshot]);
    expect(await loadRecords(store, first.snapshot, "inspections")).toHaveLength(5);
    expect(
      existsSync(path.join(config.home, "tmp"))
        ? (await import("node:fs")).readdirSync(path.join(config.home, "tmp"))
        : [],
    ).toEqual([]);
  });
});

describe("file formats", () => {
  const csvHeader =
    "Unique Key,Created Date,Closed Date,Agency,Complaint Type,Descriptor,Location Type,Incident Zip,Borough,Latitude,Longitude,Location";
  const csv = `${csvHeader}
40390138,09/26/2018 12:00:00 AM,,DOHMH,Rodent,Rat Sighting,3+ Family Apt. Building,11106,QUEENS,40.76387639180453,-73.92246271595423,"(40.76387639180453, -73.92246271595423)"
40401002,09/27/2018 01:05:00 PM,,DOHMH,Rodent,Rat Sighting,1-2 Family Dwelling,10467,Unspecified,,,
`;
  const api = [
    {
      unique_key: "40390138",
      created_date: "2018-09-26T00:00:00.000",
      agency: "DOHMH",
      location_type: "3+ Family Apt. Building",
      incident_zip: "11106",
      borough: "QUEENS",
      latitude: "40.76387639180453",
      longitude: "-73.92246271595423",
      location: { latitude: "40.76387639180453", longitude: "-73.92246271595423" },
    },
    {
      unique_key: "40401002",
      created_date: "2018-09-27T13:05:00.000",
      location_type: "1-2 Family Dwelling",
      incident_zip: "10467",
      borough: "Unspecified",
    },
  ];
  const geo = {
    type: "FeatureCollection",
    features: [
      {
        type: "Feature",
        geometry: { type: "Point", coordinates: [-73.92246271595423, 40.76387639180453] },
        properties: {
          "Unique Key": 40390138,
          "Created Date": "09/26/2018 12:00:00 AM",
          "Location Type": "3+ Family Apt. Building",
          "Incident Zip": 11106,
          Borough: "QUEENS",
        },
      },
      {
        type: "Feature",
        geometry: null,
        properties: {
          "Unique Key": 40401002,
          "Created Date": "09/27/2018 01:05:00 PM",
          "Location Type": "1-2 Family Dwelling",
          "Incident Zip": 10467,
          Borough: "Unspecified",
        },
      },
    ],
  };

  it("CSV export, API JSON and GeoJSON, plain or gzip, give identical records and the same snapshot id", async () => {
    const { config, store, log } = setup();
    const variants: [string, string][] = [
      ["a.csv", csv],
      ["a.csv.gz", csv],
      ["a.json", JSON.stringify(api)],
      ["a.json.gz", JSON.stringify(api)],
      ["a.geojson", JSON.stringify(geo, null, 1)],
      ["a.geojson.gz", JSON.stringify(geo)],
    ];
    const ids = new Set<string>();
    for (const [name, text] of variants) {
      const root = tmpDir();
      writeDataFile(root, "rat-sightings", name, text);
      const r = await ingest({ store, config, log, source: `dir:${root}` });
      expect(r.datasets.rat_sightings, name).toMatchObject({ rows: 2, quarantined: 0 });
      const recs = await loadRecords(store, r.snapshot, "rat_sightings");
      expect(recs, name).toEqual([
        {
          uniqueKey: "40390138",
          createdDate: "2018-09-26T00:00:00",
          borough: "Queens",
          incidentZip: "11106",
          locationType: "3+ Family Apt. Building",
          latitude: 40.76387639180453,
          longitude: -73.92246271595423,
        },
        {
          uniqueKey: "40401002",
          createdDate: "2018-09-27T13:05:00",
          borough: null,
          incidentZip: "10467",
          locationType: "1-2 Family Dwelling",
          latitude: null,
          longitude: null,
        },
      ]);
      ids.add(r.snapshot);
    }
    // The quarantine is empty everywhere and file names are not part of the records: one id for all.
    expect(ids.size).toBe(1);
  });

  it("merges overlapping GHCN and NOAA CDO weather by date, filling gaps, never double-counting", async () => {
    const { config, store, log } = setup();
    const root = tmpDir();
    writeDataFile(
      root,
      "weather",
      "a_ghcn.csv.gz",
      "DATE,PRCP,SNOW,SNWD,TMIN,TMAX\n2020-01-01,0.1,0,0,30,40\n2020-01-02,0,0,0,,41\n",
    );
    writeDataFile(
      root,
      "weather",
      "b_cdo.csv",
      'STATION,NAME,DATE,AWND,PRCP,SNOW,SNWD,TAVG,TMAX,TMIN\nUSW00094728,"NY CITY CENTRAL PARK, NY US",2020-01-02,3.1,0.00,0,0,,41,29\nUSW00094728,"NY CITY CENTRAL PARK, NY US",2020-01-03,2.0,0.50,0,0,,45,33\n',
    );
    const r = await ingest({ store, config, log, source: `dir:${root}` });
    expect(await loadRecords(store, r.snapshot, "weather")).toEqual([
      { date: "2020-01-01", tmax: 40, tmin: 30, prcp: 0.1 },
      { date: "2020-01-02", tmax: 41, tmin: 29, prcp: 0 },
      { date: "2020-01-03", tmax: 45, tmin: 33, prcp: 0.5 },
    ]);
    expect(r.quality.datasets.weather).toMatchObject({ rows_in: 4, rows: 3, merged: 1, quarantined: 0 });
    expect(await loadRecords(store, r.snapshot, "inspections")).toEqual([]);
    const it = readRecords(store, r.snapshot, "truth")[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(true);
  });

  it("rejects bad arguments with codes", async () => {
    const { config, store, log } = setup();
    const e1 = await ingest({ store, config, log, source: "ftp:x" }).catch((e) => e);
    expect(isRodentError(e1, "RODENT_ERR_INVALID_ARGUMENT")).toBe(true);
    const e2 = await ingest({ store, config, log, source: "dir:/nonexistent/x", since: "2020-01-01" }).catch((e) => e);
    expect(isRodentError(e2, "RODENT_ERR_INVALID_ARGUMENT")).toBe(true);
    const e3 = await ingest({ store, config, log, source: "dir:/nonexistent/x" }).catch((e) => e);
    expect(isRodentError(e3, "RODENT_ERR_NOT_FOUND")).toBe(true);
    const e4 = await readManifest(store, "snap-000000000000").catch((e) => e);
    expect(isRodentError(e4, "RODENT_ERR_NOT_FOUND")).toBe(true);
  });
});

describe("synthetic source", () => {
  it("synth:SEED ingests with no quarantined rows, all four datasets, and the same id twice", async () => {
    const { config, store, log } = setup();
    const synth = { from: "2023-01-01", to: "2023-03-31", scale: 0.02 };
    const a = await ingest({ store, config, log, source: "synth:7", synth });
    expect(Object.keys(a.datasets).sort()).toEqual(["inspections", "rat_sightings", "truth", "weather"]);
    for (const [name, d] of Object.entries(a.datasets)) {
      expect(d!.quarantined, name).toBe(0);
      expect(d!.rows, name).toBeGreaterThan(0);
    }
    expect(a.datasets.inspections!.max_date! <= "2023-03-31").toBe(true);
    const b = await ingest({ store, config, log, source: "synth:7", synth });
    expect(b).toMatchObject({ snapshot: a.snapshot, reused: true });
    const c = await ingest({ store, config, log, source: "synth:8", synth });
    expect(c.snapshot).not.toBe(a.snapshot);
  });
});
