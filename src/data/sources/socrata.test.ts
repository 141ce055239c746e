import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/index.js";
import { isRodentError } from "../../errors.js";
import { silentLogger } from "../../util/log.js";
import { tmpDir, writeDataFile } from "../ingest/ingest.fixture.js";
import { ingest } from "../ingest/ingest.js";
import { LocalObjectStore } from "../object-store.js";
import { listSnapshots, loadRecords } from "../snapshot/store.js";
import { retryAfterMs } from "./socrata.js";

type Row = Record<string, unknown>;

/** A local stand-in for data.cityofnewyork.us: SODA paging, $order=:id, a simple `$where col >= 'ts'`, scripted failures. */
class FakeSoda {
  data: Record<string, Row[]> = { "43nn-pn8j": [], "3q43-55fe": [] };
  /** Responses to send before the real one, per dataset id: status codes (with optional Retry-After). */
  failures: Record<string, { status: number; retryAfter?: string }[]> = {};
  failForever: Record<string, number> = {};
  requests: { path: string; query: URLSearchParams; token?: string; at: number }[] = [];
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const m = /^\/resource\/([a-z0-9-]+)\.json$/.exec(url.pathname);
    this.requests.push({
      path: url.pathname,
      query: url.searchParams,
      token: req.headers["x-app-token"] as string | undefined,
      at: Date.now(),
    });
    if (!m || !this.data[m[1]!]) {
      res.writeHead(404, { "content-type": "application/json" });
      return res.end(JSON.stringify({ code: "not_found", error: true, message: "Not found" }));
    }
    const id = m[1]!;
    if (this.failForever[id]) {
      res.writeHead(this.failForever[id], { "content-type": "application/json" });
      return res.end('{"error":true,"message":"Internal error"}');
    }
    const f = this.failures[id]?.shift();
    if (f) {
      res.writeHead(f.status, {
        "content-type": "application/json",
        ...(f.retryAfter ? { "retry-after": f.retryAfter } : {}),
      });
      return res.end('{"error":true,"message":"slow down"}');
    }
    let rows: Row[] = this.data[id]!.map((r, i) => ({ ...r, ":id": `row-${String(i).padStart(6, "0")}` }));
    const where = url.searchParams.get("$where");
    if (where) {
      const w = /^(\w+) >= '([^']+)'$/.exec(where);
      if (!w) {
        res.writeHead(400);
        return res.end('{"error":true,"message":"bad where"}');
      }
      rows = rows.filter((r) => String(r[w[1]!] ?? "") >= w[2]!);
    }
    expect(url.searchParams.get("$order")).toBe(":id");
    const offset = Number(url.searchParams.get("$offset") ?? 0);
    const limit = Number(url.searchParams.get("$limit") ?? 1000);
    const page = rows.slice(offset, offset + limit).map(({ ":id": _, ...r }) => r);
    res.writeHead(200, { "content-type": "application/json;charset=utf-8" });
    res.end(JSON.stringify(page));
  });
  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop() {
    return new Promise((r) => this.server.close(r));
  }
}

function inspection(camis: string, date: string, code: string | null, score: number): Row {
  const r: Row = {
    camis,
    dba: `RESTAURANT ${camis}`,
    boro: "Brooklyn",
    building: "383",
    street: "BRIDGE STREET",
    zipcode: "11201",
    phone: "7180000000",
    cuisine_description: "Pizza",
    inspection_date: `${date}T00:00:00.000`,
    action: "Violations were cited in the following area(s).",
    violation_description: "Evidence of mice or live mice in establishment's food or non-food areas.",
    critical_flag: "Critical",
    score: String(score),
    record_date: "2025-12-11T00:00:00.000",
    inspection_type: "Cycle Inspection / Initial Inspection",
    latitude: "40.691699321740003",
    longitude: "-73.985294698199993",
    community_board: "302",
    bbl: "3001450022",
    nta: "BK38",
  };
  if (code) r.violation_code = code; // SODA omits null fields
  return r;
}

function sighting(key: string, created: string, borough = "BROOKLYN"): Row {
  return {
    unique_key: key,
    created_date: `${created}.000`,
    agency: "DOHMH",
    complaint_type: "Rodent",
    descriptor: "Rat Sighting",
    location_type: "3+ Family Apt. Building",
    incident_zip: "11212",
    borough,
    latitude: "40.66231674694474",
    longitude: "-73.92144177201318",
    location: { latitude: "40.66231674694474", longitude: "-73.92144177201318", human_address: "{}" },
  };
}

const servers: FakeSoda[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function setup() {
  const soda = new FakeSoda();
  servers.push(soda);
  const url = await soda.start();
  const home = tmpDir("rodent-home-");
  const dataDir = tmpDir("rodent-datadir-");
  writeDataFile(dataDir, "nyc/weather", "w.csv", "DATE,PRCP,SNOW,SNWD,TMIN,TMAX\n2023-05-01,0.1,0,0,50,60\n");
  const config = loadConfig({
    RODENT_HOME: home,
    RODENT_DATA_DIR: dataDir,
    RODENT_SOCRATA_URL: url,
    SOCRATA_APP_TOKEN: "tok123",
  });
  const store = new LocalObjectStore(path.join(home, "store"));
  const socrata = { pageSize: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetries: 3 };
  return { soda, config, store, socrata, log: silentLogger };
}

describe("Socrata source against a local SODA server", () => {
  it("pages to the last partial page and to an empty page, retries a 429, sends the app token", async () => {
    const { soda, config, store, socrata, log } = await setup();
    soda.data["43nn-pn8j"] = [
      inspection("1", "2023-05-01", "04L", 12),
      inspection("1", "2023-05-01", "10F", 12),
      inspection("2", "2023-05-02", null, 0),
      inspection("3", "2023-05-03", "04K", 30),
      inspection("4", "2023-05-04", "08A", 20),
    ];
    soda.data["3q43-55fe"] = [
      sighting("100", "2023-05-01T10:00:00"),
      sighting("101", "2023-05-02T11:00:00", "Unspecified"),
      sighting("102", "2023-05-03T12:00:00"),
      sighting("103", "2023-05-04T13:00:00", "MANHATTAN"),
    ];
    soda.failures["3q43-55fe"] = [{ status: 429, retryAfter: "0" }, { status: 503 }];
    const r = await ingest({ store, config, log, source: "socrata", socrata });
    expect(r.datasets.inspections).toMatchObject({
      rows: 5,
      quarantined: 0,
      min_date: "2023-05-01",
      max_date: "2023-05-04",
    });
    expect(r.datasets.rat_sightings).toMatchObject({ rows: 4, quarantined: 0 });
    expect(r.datasets.weather).toMatchObject({ rows: 1 });
    const insp = soda.requests.filter((q) => q.path.includes("43nn"));
    expect(insp.map((q) => q.query.get("$offset"))).toEqual(["0", "2", "4"]); // 2 + 2 + 1 (partial) rows
    const rats = soda.requests.filter((q) => q.path.includes("3q43"));
    expect(rats.map((q) => q.query.get("$offset"))).toEqual(["0", "0", "0", "2", "4"]); // 429, 503, then 2 + 2 + 0 (empty)
    expect(soda.requests.every((q) => q.token === "tok123" && !q.query.has("$where"))).toBe(true);
    const recs = await loadRecords(store, r.snapshot, "inspections");
    expect(recs.find((x) => x.camis === "2")).toMatchObject({
      violationCode: null,
      score: 0,
      inspectionDate: "2023-05-02",
    });
    const sightings = await loadRecords(store, r.snapshot, "rat_sightings");
    expect(sightings.map((s) => [s.uniqueKey, s.borough, s.createdDate])).toEqual([
      ["100", "Brooklyn", "2023-05-01T10:00:00"],
      ["101", null, "2023-05-02T11:00:00"],
      ["102", "Brooklyn", "2023-05-03T12:00:00"],
      ["103", "Manhattan", "2023-05-04T13:00:00"],
    ]);
    expect(r.manifest.watermarks).toMatchObject({ inspections: "2023-05-04", rat_sightings: "2023-05-04T13:00:00" });
  });

  it("pulls incrementally from the watermark minus the overlap and merges with the previous snapshot (newer wins)", async () => {
    const { soda, config, store, socrata, log } = await setup();
    soda.data["43nn-pn8j"] = [inspection("1", "2023-01-01", "04L", 12), inspection("2", "2023-05-20", "04K", 30)];
    soda.data["3q43-55fe"] = [sighting("100", "2023-01-01T10:00:00"), sighting("101", "2023-05-20T11:00:00")];
    const first = await ingest({ store, config, log, source: "socrata", socrata });
    soda.requests = [];
    // Upstream: an edit of a recent row (score), a late row inside the overlap, new rows; the old row vanished upstream.
    soda.data["43nn-pn8j"] = [
      inspection("2", "2023-05-20", "04K", 31),
      inspection("5", "2023-05-10", "04L", 14),
      inspection("6", "2023-06-01", null, 2),
    ];
    soda.data["3q43-55fe"] = [sighting("101", "2023-05-20T11:00:00"), sighting("102", "2023-06-02T09:00:00")];
    const second = await ingest({ store, config, log, source: "socrata", socrata });
    expect(second.snapshot).not.toBe(first.snapshot);
    const wheres = soda.requests.map((q) => q.query.get("$where"));
    expect(wheres).toContain("inspection_date >= '2023-05-06T00:00:00'");
    expect(wheres).toContain("created_date >= '2023-05-06T00:00:00'");
    const recs = await loadRecords(store, second.snapshot, "inspections");
    expect(recs.map((x) => [x.camis, x.score])).toEqual([
      ["1", 12], // carried over from the previous snapshot
      ["2", 31], // newer wins
      ["5", 14],
      ["6", 2],
    ]);
    expect(second.quality.datasets.inspections).toMatchObject({ rows_in: 3, carried_over: 2, replaced: 1, rows: 4 });
    expect(second.datasets.rat_sightings).toMatchObject({ rows: 3 });
    expect(await loadRecords(store, second.snapshot, "weather")).toHaveLength(1); // carried over

    // --since overrides the watermark.
    soda.requests = [];
    const third = await ingest({ store, config, log, source: "socrata", socrata, since: "2023-01-01" });
    expect(third.snapshot).toBe(second.snapshot);
    expect(third.reused).toBe(true);
    expect(soda.requests.map((q) => q.query.get("$where"))).toContain("inspection_date >= '2023-01-01T00:00:00'");
  });

  it("gives up with RODENT_ERR_SOURCE after the retries on a persistent 500 and writes no snapshot", async () => {
    const { soda, config, store, socrata, log } = await setup();
    soda.data["43nn-pn8j"] = [inspection("1", "2023-01-01", "04L", 12)];
    soda.failForever["3q43-55fe"] = 500;
    const err = await ingest({ store, config, log, source: "socrata", socrata }).catch((e) => e);
    expect(isRodentError(err, "RODENT_ERR_SOURCE")).toBe(true);
    expect(err.message).toMatch(/3q43-55fe.*failed after 4 attempts: HTTP 500/);
    expect(soda.requests.filter((q) => q.path.includes("3q43"))).toHaveLength(4);
    expect(await listSnapshots(store)).toEqual([]);
    expect(await store.list("")).toEqual([]);
  });

  it("fails fast on a 4xx other than 429, and honours Retry-After", async () => {
    const { soda, config, store, socrata, log } = await setup();
    soda.failures["43nn-pn8j"] = [{ status: 403 }];
    const err = await ingest({ store, config, log, source: "socrata", socrata }).catch((e) => e);
    expect(isRodentError(err, "RODENT_ERR_SOURCE")).toBe(true);
    expect(soda.requests).toHaveLength(1);

    soda.requests = [];
    soda.failures["43nn-pn8j"] = [{ status: 429, retryAfter: "1" }];
    await ingest({ store, config, log, source: "socrata", socrata: { ...socrata, maxDelayMs: 5000 } });
    const [a, b] = soda.requests;
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(900);

    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 7_000)).toBe(3000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs("soon")).toBeNull();
  });
});
