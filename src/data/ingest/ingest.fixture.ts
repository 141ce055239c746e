// Shared by this folder's tests (excluded from nothing: it is plain code with no test globals).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { type Config, loadConfig } from "../../config/index.js";

export function tmpDir(prefix = "rodent-data-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Config with its own RODENT_HOME; the data dir comes from RODENT_DATA_DIR or ../shared/data as usual. */
export function testConfig(home = tmpDir("rodent-home-")): Config {
  return loadConfig({ RODENT_HOME: home, RODENT_DATA_DIR: process.env.RODENT_DATA_DIR });
}

/** Write ROOT/<folder>/<name> (gzipped when the name ends in .gz). */
export function writeDataFile(root: string, folder: string, name: string, text: string): string {
  const dir = path.join(root, folder);
  mkdirSync(dir, { recursive: true });
  const f = path.join(dir, name);
  writeFileSync(f, name.endsWith(".gz") ? gzipSync(text) : text);
  return f;
}

export const INSPECTION_HEADER =
  "CAMIS,DBA,BORO,BUILDING,STREET,ZIPCODE,PHONE,CUISINE DESCRIPTION,INSPECTION DATE,ACTION,VIOLATION CODE,VIOLATION DESCRIPTION,CRITICAL FLAG,SCORE,GRADE,GRADE DATE,RECORD DATE,INSPECTION TYPE,Latitude,Longitude,Community Board,Council District,Census Tract,BIN,BBL,NTA,Location";

/** One inspection CSV row in the portal's export format; override any column by header name. */
export function inspectionRow(o: Record<string, string> = {}): string {
  const base: Record<string, string> = {
    CAMIS: "41000001",
    DBA: "JOE'S PIZZA",
    BORO: "Manhattan",
    BUILDING: "7",
    STREET: "CARMINE STREET",
    ZIPCODE: "10014",
    PHONE: "2122550000",
    "CUISINE DESCRIPTION": "Pizza",
    "INSPECTION DATE": "05/01/2023",
    ACTION: "Violations were cited in the following area(s).",
    "VIOLATION CODE": "04L",
    "VIOLATION DESCRIPTION": "Evidence of mice or live mice in establishment's food or non-food areas.",
    "CRITICAL FLAG": "Critical",
    SCORE: "12",
    GRADE: "A",
    "GRADE DATE": "05/01/2023",
    "RECORD DATE": "11/20/2025",
    "INSPECTION TYPE": "Cycle Inspection / Initial Inspection",
    Latitude: "40.730",
    Longitude: "-74.002",
    "Community Board": "102",
    "Council District": "03",
    "Census Tract": "006700",
    BIN: "1000000",
    BBL: "1000000000",
    NTA: "MN23",
    Location: "POINT (-74.002 40.73)",
  };
  const r = { ...base, ...o };
  return INSPECTION_HEADER.split(",")
    .map((h) => {
      const v = r[h] ?? "";
      return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    })
    .join(",");
}
