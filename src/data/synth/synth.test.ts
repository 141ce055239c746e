import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/index.js";
import { isRodentError } from "../../errors.js";
import { silentLogger } from "../../util/log.js";
import { ingest, LocalObjectStore } from "../index.js";
import { isoToDay } from "./dates.js";
import { DEFAULT_SYNTH, parseScenario, type SynthOptions, type SynthSummary, writeSyntheticCity } from "./index.js";

// Small cities (scale 0.02–0.05, one or two years): each takes about a second.
const dataDir = loadConfig().dataDir;
const root = mkdtempSync(path.join(tmpdir(), "rodent-synth-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Row = Record<string, string>;
const readCsv = (file: string): Row[] =>
  parse(gunzipSync(readFileSync(file)), { columns: true, skip_empty_lines: false, bom: true });
const headerOf = (file: string): string => {
  const buf = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8");
  return text.slice(0, text.indexOf("\n")).replace(/\r$/, "");
};
const usDay = (s: string) => isoToDay(`${s.slice(6, 10)}-${s.slice(0, 2)}-${s.slice(3, 5)}`);
const SANITARY = /^(Cycle Inspection|Pre-permit \(Operational\)) \//;

async function city(name: string, opts: Partial<SynthOptions>): Promise<{ dir: string; s: SynthSummary }> {
  const dir = path.join(root, name);
  const s = await writeSyntheticCity(dir, { ...DEFAULT_SYNTH, dataDir, ...opts }, silentLogger);
  return { dir, s };
}

interface Insp {
  camis: string;
  day: number;
  type: string;
  boro: string;
  score: number | null;
  grade: string;
  codes: string[];
  action: string;
}

function inspections(rows: Row[]): Insp[] {
  const m = new Map<string, Insp>();
  for (const r of rows) {
    const k = `${r.CAMIS}|${r["INSPECTION DATE"]}|${r["INSPECTION TYPE"]}`;
    let x = m.get(k);
    if (!x) {
      x = {
        camis: r.CAMIS,
        day: usDay(r["INSPECTION DATE"]),
        type: r["INSPECTION TYPE"],
        boro: r.BORO,
        score: r.SCORE === "" ? null : Number(r.SCORE),
        grade: r.GRADE,
        codes: [],
        action: r.ACTION,
      };
      m.set(k, x);
    }
    if (r["VIOLATION CODE"]) x.codes.push(r["VIOLATION CODE"]);
  }
  return [...m.values()];
}

const isRodent = (x: Insp) => x.codes.includes("04K") || x.codes.includes("04L");

describe("synthetic NYC: determinism and formats", () => {
  let a: { dir: string; s: SynthSummary };
  beforeAll(async () => {
    a = await city("a", { seed: 7, from: "2018-01-01", to: "2018-12-31", scale: 0.02 });
  });

  it("same seed gives byte-identical files, another seed different ones", async () => {
    const b = await city("b", { seed: 7, from: "2018-01-01", to: "2018-12-31", scale: 0.02 });
    const c = await city("c", { seed: 8, from: "2018-01-01", to: "2018-12-31", scale: 0.02 });
    expect(b.s.files.map((f) => f.sha256)).toEqual(a.s.files.map((f) => f.sha256));
    for (const f of a.s.files) {
      expect(readFileSync(path.join(b.dir, f.path)).equals(readFileSync(path.join(a.dir, f.path)))).toBe(true);
    }
    const shaC = new Map(c.s.files.map((f) => [f.path, f.sha256]));
    expect(shaC.get("inspections/inspections.csv.gz")).not.toBe(a.s.files[0].sha256);
    expect(shaC.get("rat-sightings/rat_sightings.csv.gz")).not.toBe(a.s.files[1].sha256);
  });

  it("writes the real export headers and parses with csv-parse", () => {
    const nyc = path.join(dataDir, "nyc");
    expect(headerOf(path.join(a.dir, "inspections/inspections.csv.gz"))).toBe(
      headerOf(path.join(nyc, "inspections/inspections_sample_5000.csv.gz")),
    );
    expect(headerOf(path.join(a.dir, "rat-sightings/rat_sightings.csv.gz"))).toBe(
      headerOf(path.join(nyc, "rat-sightings/rat_sightings_2018-09-01_2018-10-22.csv.gz")),
    );
    expect(headerOf(path.join(a.dir, "weather/weather.csv.gz"))).toBe(
      headerOf(path.join(nyc, "weather/central_park_daily_1869-2022.csv.gz")),
    );
    expect(headerOf(path.join(a.dir, "truth/truth.csv.gz"))).toBe("CAMIS,INSPECTION DATE,INSPECTION TYPE,P_TRUE");
    const rows = readCsv(path.join(a.dir, "inspections/inspections.csv.gz"));
    expect(rows.length).toBe(a.s.counts.inspectionRows);
    expect(Object.keys(rows[0]).length).toBe(27);
    for (const r of rows.slice(0, 2000)) {
      expect(r.CAMIS).toMatch(/^\d{8}$/);
      expect(r["INSPECTION DATE"]).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
      expect(["Manhattan", "Bronx", "Brooklyn", "Queens", "Staten Island"]).toContain(r.BORO);
      expect(r.ZIPCODE).toMatch(/^\d{5}$/);
      const lat = Number(r.Latitude);
      const lon = Number(r.Longitude);
      expect(lat > 40.47 && lat < 40.93 && lon > -74.27 && lon < -73.68).toBe(true);
    }
    const s = readCsv(path.join(a.dir, "rat-sightings/rat_sightings.csv.gz"));
    expect(s.length).toBe(a.s.counts.ratSightings);
    expect(new Set(s.map((r) => r["Unique Key"])).size).toBe(s.length);
    for (const r of s.slice(0, 500)) {
      expect(r["Created Date"]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} (AM|PM)$/);
      expect(r["Complaint Type"]).toBe("Rodent");
      expect(r.Descriptor).toBe("Rat Sighting");
      expect(["MANHATTAN", "BRONX", "BROOKLYN", "QUEENS", "STATEN ISLAND", "Unspecified"]).toContain(r.Borough);
    }
    const located = s.filter((r) => r.Latitude !== "").length / s.length;
    expect(located).toBeGreaterThan(0.98);
    expect(located).toBeLessThan(1);
  });

  it("copies the real Central Park weather for days it covers", () => {
    const real = new Map(
      readCsv(path.join(dataDir, "nyc/weather/central_park_daily_1869-2022.csv.gz")).map((r) => [r.DATE, r]),
    );
    const ours = readCsv(path.join(a.dir, "weather/weather.csv.gz"));
    expect(ours[0].DATE <= "2017-12-31").toBe(true); // lead-in for 30-day windows
    expect(ours.at(-1)?.DATE).toBe("2018-12-31");
    for (const w of ours) {
      const r = real.get(w.DATE)!;
      expect([w.TMAX, w.TMIN]).toEqual([r.TMAX, r.TMIN]);
      expect(Number(w.PRCP)).toBeCloseTo(Number(r.PRCP), 5);
    }
  });

  it("generates plausible seasonal weather after the real series ends (2022-12-29)", async () => {
    const w = await city("w2023", { seed: 5, from: "2023-01-01", to: "2023-12-31", scale: 0.01 });
    const rows = readCsv(path.join(w.dir, "weather/weather.csv.gz")).filter((r) => r.DATE >= "2023-01-01");
    expect(rows.length).toBe(365);
    const meanMax = (m: string) => {
      const xs = rows.filter((r) => r.DATE.slice(5, 7) === m).map((r) => Number(r.TMAX));
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(meanMax("01")).toBeGreaterThan(30);
    expect(meanMax("01")).toBeLessThan(50);
    expect(meanMax("07")).toBeGreaterThan(78);
    expect(meanMax("07")).toBeLessThan(92);
    let wet = 0;
    for (const r of rows) {
      expect(Number(r.TMIN)).toBeLessThan(Number(r.TMAX));
      expect(Number(r.PRCP)).toBeGreaterThanOrEqual(0);
      if (Number(r.PRCP) > 0) wet++;
    }
    expect(wet).toBeGreaterThan(80); // Central Park: ~120 wet days a year
    expect(wet).toBeLessThan(170);
  });

  it("rejects bad options with an error naming the field", async () => {
    for (const [opts, field] of [
      [{ from: "2019-01-01", to: "2018-01-01" }, "to"],
      [{ from: "2019-02-30" }, "from"],
      [{ scale: 0 }, "scale"],
      [{ scenario: "flood" as never }, "scenario"],
    ] as const) {
      const e = await writeSyntheticCity(
        path.join(root, "bad"),
        { ...DEFAULT_SYNTH, dataDir, ...opts },
        silentLogger,
      ).catch((x) => x);
      expect(isRodentError(e, "RODENT_ERR_INVALID_ARGUMENT")).toBe(true);
      expect((e as Error).message).toContain(field);
    }
  });
});

describe("synthetic NYC: DOHMH rules, base rate and seasons", () => {
  let dir: string;
  let s: SynthSummary;
  let rows: Row[];
  let insp: Insp[];
  beforeAll(async () => {
    ({ dir, s } = await city("rules", { seed: 3, from: "2018-01-01", to: "2019-12-31", scale: 0.05 }));
    rows = readCsv(path.join(dir, "inspections/inspections.csv.gz"));
    insp = inspections(rows.filter((r) => r["INSPECTION DATE"] !== "01/01/1900"));
  });

  it("ingests through the file source with zero quarantined rows", async () => {
    const home = path.join(root, "home");
    const config = loadConfig({ ...process.env, RODENT_HOME: home });
    const r = await ingest({
      store: new LocalObjectStore(path.join(home, "store")),
      config,
      source: `dir:${dir}`,
      log: silentLogger,
    });
    expect(r.quality.totals.quarantined).toBe(0);
    expect(r.datasets.inspections?.rows).toBe(s.counts.inspectionRows);
    expect(r.datasets.rat_sightings?.rows).toBe(s.counts.ratSightings);
    expect(r.datasets.weather?.rows).toBe(s.counts.weatherDays);
    expect(r.datasets.truth?.rows).toBe(s.counts.inspections);
    for (const d of ["inspections", "rat_sightings", "weather", "truth"] as const)
      expect(r.datasets[d]?.quarantined).toBe(0);
  });

  it("inspects Monday to Saturday, Saturdays lightly", () => {
    const wd = new Array(7).fill(0); // 0 = Monday
    for (const x of insp) wd[(((x.day + 3) % 7) + 7) % 7]++;
    expect(wd[6]).toBe(0);
    expect(wd[5]).toBeGreaterThan(0);
    expect(wd[5]).toBeLessThan(wd[2] / 2);
    // Nothing outside the simulated range.
    expect(Math.min(...insp.map((x) => x.day))).toBeGreaterThanOrEqual(isoToDay("2018-01-01"));
    expect(Math.max(...insp.map((x) => x.day))).toBeLessThanOrEqual(isoToDay("2019-12-31"));
  });

  it("keys are unique: never the same violation twice in one inspection", () => {
    const keys = rows.map((r) => `${r.CAMIS}|${r["INSPECTION DATE"]}|${r["INSPECTION TYPE"]}|${r["VIOLATION CODE"]}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("grades follow the score: A < 14 ≤ B < 28 ≤ C, A at initial only under 14", () => {
    let graded = 0;
    for (const x of insp) {
      if (x.grade === "A" || x.grade === "B" || x.grade === "C") {
        graded++;
        const want = x.score! < 14 ? "A" : x.score! < 28 ? "B" : "C";
        expect(x.grade).toBe(want);
      }
      if (x.type.endsWith("/ Initial Inspection") && SANITARY.test(x.type)) {
        expect(x.grade === "" || x.grade === "A").toBe(true);
        if (x.score! >= 14) expect(x.grade).toBe("");
      }
      if (!SANITARY.test(x.type)) {
        expect(x.score).toBeNull();
        expect(x.grade).toBe("");
        expect(x.codes.some((c) => /^\d\d[A-Z]$/.test(c))).toBe(false); // no sanitary citations
      }
      if (SANITARY.test(x.type)) {
        expect(x.score).not.toBeNull();
        expect(x.score === 0).toBe(x.codes.length === 0);
        expect(x.score!).toBeGreaterThanOrEqual(2 * x.codes.length);
      }
    }
    expect(graded).toBeGreaterThan(insp.length / 3);
  });

  it("re-inspections come 7–60 days after an initial scoring 14 or more, and such initials get one", () => {
    const by = new Map<string, Insp[]>();
    for (const x of insp) {
      if (!SANITARY.test(x.type)) continue;
      const l = by.get(x.camis) ?? [];
      l.push(x);
      by.set(x.camis, l);
    }
    let checked = 0;
    for (const list of by.values()) {
      list.sort((p, q) => p.day - q.day);
      for (const [k, x] of list.entries()) {
        if (x.type === "Cycle Inspection / Re-inspection") {
          const init = list.filter(
            (y) => y.type === "Cycle Inspection / Initial Inspection" && x.day - y.day >= 7 && x.day - y.day <= 60,
          );
          expect(init.some((y) => y.score! >= 14 || y.action.startsWith("Establishment Closed"))).toBe(true);
        }
        if (x.type === "Cycle Inspection / Initial Inspection" && x.score! >= 14 && k < list.length - 1) {
          const re = list.find(
            (y) => y.type === "Cycle Inspection / Re-inspection" && y.day - x.day >= 7 && y.day - x.day <= 60,
          );
          expect(re).toBeDefined();
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("has about 27,000 × scale active restaurants, churn, and a few never-inspected ones", () => {
    expect(s.counts.activeAtEnd).toBeGreaterThan(0.9 * 27_000 * 0.05);
    expect(s.counts.activeAtEnd).toBeLessThan(1.1 * 27_000 * 0.05);
    expect(s.counts.restaurants - s.counts.activeAtEnd).toBeGreaterThan(0.12 * 1350); // ~9 %/yr over 2 years
    const never = rows.filter((r) => r["INSPECTION DATE"] === "01/01/1900");
    expect(never.length).toBe(s.counts.neverInspected);
    expect(never.length).toBeGreaterThan(0);
    for (const r of never) expect([r["INSPECTION TYPE"], r.ACTION, r.SCORE, r.GRADE]).toEqual(["", "", "", ""]);
  });

  it("rodent findings at 10–20 % of sanitary inspections, matching the truth file's mean", () => {
    const san = insp.filter((x) => SANITARY.test(x.type));
    const rate = san.filter(isRodent).length / san.length;
    expect(rate).toBeGreaterThan(0.1);
    expect(rate).toBeLessThan(0.2);
    const truth = readCsv(path.join(dir, "truth/truth.csv.gz"));
    expect(truth.length).toBe(insp.length);
    const pt = truth.filter((t) => SANITARY.test(t["INSPECTION TYPE"])).map((t) => Number(t.P_TRUE));
    const meanP = pt.reduce((a, b) => a + b, 0) / pt.length;
    expect(Math.abs(meanP - rate)).toBeLessThan(0.02);
    // The summary's rate is the same count.
    expect(s.counts.rodentRate).toBeCloseTo(rate, 6);
  });

  it("311 sightings peak in summer, at 15–20k a year at scale 1", () => {
    const sight = readCsv(path.join(dir, "rat-sightings/rat_sightings.csv.gz"));
    const perYear = sight.length / 2 / 0.05;
    expect(perYear).toBeGreaterThan(14_000);
    expect(perYear).toBeLessThan(21_000);
    const month = (r: Row) => Number(r["Created Date"].slice(0, 2));
    const summer = sight.filter((r) => [6, 7, 8].includes(month(r))).length;
    const winter = sight.filter((r) => [12, 1, 2].includes(month(r))).length;
    expect(summer / winter).toBeGreaterThan(1.5);
  });
});

describe("synthetic NYC: scenarios change what they should", () => {
  const base = { seed: 11, from: "2019-01-01", to: "2020-12-31", scale: 0.05, scenarioStart: "2020-01-01" };
  const start = isoToDay("2020-01-01");
  const c: Record<string, { dir: string; s: SynthSummary }> = {};
  beforeAll(async () => {
    for (const sc of [
      "none",
      "sanitation-program",
      "reporting-surge",
      "heat-wave",
      "reporting-drop",
      "pressure:queens:+40:ramp8",
    ]) {
      c[sc] = await city(`sc-${sc}`, { ...base, scenario: sc });
    }
  }, 120_000);

  const truthBy = (dir: string) => {
    // Join truth to the borough of each CAMIS.
    const boro = new Map<string, string>();
    for (const r of readCsv(path.join(dir, "inspections/inspections.csv.gz"))) boro.set(r.CAMIS, r.BORO);
    return readCsv(path.join(dir, "truth/truth.csv.gz"))
      .filter((t) => SANITARY.test(t["INSPECTION TYPE"]))
      .map((t) => ({ boro: boro.get(t.CAMIS)!, day: usDay(t["INSPECTION DATE"]), p: Number(t.P_TRUE) }));
  };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const sightings = (dir: string) =>
    readCsv(path.join(dir, "rat-sightings/rat_sightings.csv.gz")).map((r) => ({
      boro: r.Borough,
      day: usDay(r["Created Date"].slice(0, 10)),
    }));

  it("sanitation-program: Brooklyn pressure, violations and sightings fall ~40 % after the start, not elsewhere", () => {
    const none = truthBy(c.none.dir);
    const san = truthBy(c["sanitation-program"].dir);
    const meanAfter = (xs: typeof none, b: string, inB: boolean) =>
      mean(xs.filter((x) => x.day >= start && (x.boro === b) === inB).map((x) => x.p));
    const ratioBk = meanAfter(san, "Brooklyn", true) / meanAfter(none, "Brooklyn", true);
    const ratioElse = meanAfter(san, "Brooklyn", false) / meanAfter(none, "Brooklyn", false);
    expect(ratioBk).toBeGreaterThan(0.5);
    expect(ratioBk).toBeLessThan(0.72);
    expect(ratioElse).toBeGreaterThan(0.93);
    expect(ratioElse).toBeLessThan(1.07);
    // Before the start the two cities are the same.
    const pBefore = (xs: typeof none) => xs.filter((x) => x.day < start).map((x) => x.p);
    expect(pBefore(san)).toEqual(pBefore(none));
    // Observed rodent violations in Brooklyn fall too.
    const rate = (dir: string) => {
      const xs = inspections(readCsv(path.join(dir, "inspections/inspections.csv.gz"))).filter(
        (x) => x.boro === "Brooklyn" && x.day >= start && SANITARY.test(x.type),
      );
      return xs.filter(isRodent).length / xs.length;
    };
    expect(rate(c["sanitation-program"].dir) / rate(c.none.dir)).toBeLessThan(0.8);
    const sn = sightings(c.none.dir).filter((x) => x.day >= start);
    const ss = sightings(c["sanitation-program"].dir).filter((x) => x.day >= start);
    const bk = (xs: typeof sn, inB: boolean) => xs.filter((x) => (x.boro === "BROOKLYN") === inB).length;
    expect(bk(ss, true) / bk(sn, true)).toBeGreaterThan(0.45);
    expect(bk(ss, true) / bk(sn, true)).toBeLessThan(0.75);
    expect(bk(ss, false) / bk(sn, false)).toBeGreaterThan(0.88);
    expect(bk(ss, false) / bk(sn, false)).toBeLessThan(1.12);
  });

  it("reporting-surge: sightings double after the start, inspections and truth are unchanged", () => {
    const sn = sightings(c.none.dir);
    const su = sightings(c["reporting-surge"].dir);
    const count = (xs: typeof sn, afterStart: boolean) => xs.filter((x) => x.day >= start === afterStart).length;
    expect(count(su, false)).toBe(count(sn, false));
    const r = count(su, true) / count(sn, true);
    expect(r).toBeGreaterThan(1.8);
    expect(r).toBeLessThan(2.2);
    const sha = (x: { s: SynthSummary }, p: string) => x.s.files.find((f) => f.path === p)!.sha256;
    for (const p of ["inspections/inspections.csv.gz", "truth/truth.csv.gz", "weather/weather.csv.gz"]) {
      expect(sha(c["reporting-surge"], p)).toBe(sha(c.none, p));
    }
  });

  it("heat-wave: four weeks 10 °F hotter from the start, with pressure up", () => {
    const w = (dir: string) => new Map(readCsv(path.join(dir, "weather/weather.csv.gz")).map((r) => [r.DATE, r]));
    const wn = w(c.none.dir);
    const wh = w(c["heat-wave"].dir);
    expect(Number(wh.get("2020-01-01")!.TMAX) - Number(wn.get("2020-01-01")!.TMAX)).toBe(10);
    expect(Number(wh.get("2020-01-28")!.TMIN) - Number(wn.get("2020-01-28")!.TMIN)).toBe(10);
    expect(wh.get("2020-01-29")!.TMAX).toBe(wn.get("2020-01-29")!.TMAX);
    expect(wh.get("2019-12-31")!.TMAX).toBe(wn.get("2019-12-31")!.TMAX);
    const during = (dir: string) =>
      mean(
        truthBy(dir)
          .filter((x) => x.day >= start + 7 && x.day < start + 35)
          .map((x) => x.p),
      );
    expect(during(c["heat-wave"].dir) / during(c.none.dir)).toBeGreaterThan(1.15);
  });

  it("reporting-drop: sightings halve after the start, inspections and truth are unchanged", () => {
    const sn = sightings(c.none.dir);
    const sd = sightings(c["reporting-drop"].dir);
    const count = (xs: typeof sn, afterStart: boolean) => xs.filter((x) => x.day >= start === afterStart).length;
    expect(count(sd, false)).toBe(count(sn, false));
    const r = count(sd, true) / count(sn, true);
    expect(r).toBeGreaterThan(0.42);
    expect(r).toBeLessThan(0.58);
    const sha = (x: { s: SynthSummary }, p: string) => x.s.files.find((f) => f.path === p)!.sha256;
    for (const p of ["inspections/inspections.csv.gz", "truth/truth.csv.gz"])
      expect(sha(c["reporting-drop"], p)).toBe(sha(c.none, p));
  });

  it("pressure:queens:+40:ramp8: Queens pressure climbs over 8 weeks to +40 %, elsewhere nothing changes", () => {
    const none = truthBy(c.none.dir);
    const up = truthBy(c["pressure:queens:+40:ramp8"].dir);
    const ratio = (b: string, inB: boolean, from: number, to: number) => {
      const m = (xs: typeof none) =>
        mean(xs.filter((x) => x.day >= from && x.day < to && (x.boro === b) === inB).map((x) => x.p));
      return m(up) / m(none);
    };
    expect(ratio("Queens", true, start, start + 14)).toBeLessThan(1.12);
    const late = ratio("Queens", true, start + 70, start + 366);
    expect(late).toBeGreaterThan(1.25);
    expect(late).toBeLessThan(1.5);
    expect(Math.abs(ratio("Queens", false, start, start + 366) - 1)).toBeLessThan(0.05);
  });

  it("names the scenario grammar's mistakes", () => {
    expect(parseScenario("pressure:staten-island:-25")).toEqual({
      kind: "pressure",
      borough: 4,
      change: -0.25,
      rampDays: 0,
    });
    expect(parseScenario("sanitation-program")).toMatchObject({ kind: "pressure", borough: 2, change: -0.4 });
    expect(() => parseScenario("pressure:jersey:-20")).toThrow(/unknown borough jersey/);
    expect(() => parseScenario("pressure:queens:-120")).toThrow(/above -100%/);
    expect(() => parseScenario("flood")).toThrow(/expected none/);
  });
});
