import fs from "node:fs/promises";
import path from "node:path";
import { RodentError } from "../../errors.js";
import type { DatasetName } from "../records.js";
import type { DatasetSpec } from "../validate/spec.js";
import { readCsv } from "./formats/csv.js";
import { readJson } from "./formats/json.js";
import { detectFormat, fileFormatError, SUPPORTED_EXTENSIONS } from "./formats/open.js";
import type { TableStream } from "./formats/table.js";

/** Folder name → dataset. Other folders (nyc/calibration: an aggregate; nyc/rodent-inspections: optional) are ignored. */
const FOLDERS: Record<string, DatasetName> = {
  inspections: "inspections",
  "rat-sightings": "rat_sightings",
  rat_sightings: "rat_sightings",
  weather: "weather",
  truth: "truth",
};

export interface DirListing {
  datasets: { dataset: DatasetName; files: string[] }[];
  ignored: string[];
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.name.startsWith(".") || /^readme/i.test(ent.name)) continue;
    if (ent.isDirectory()) out.push(...(await filesUnder(p)));
    else if (ent.isFile()) out.push(p);
  }
  return out;
}

/**
 * The layout of an export folder: ROOT/{inspections,rat-sightings,weather,truth}/**.{csv,json,geojson}[.gz].
 * Files are sorted by name so every run reads them in the same order ("keep first" is reproducible).
 * A file with another extension inside a dataset folder is an error, not silently skipped.
 */
export async function listDataDir(root: string): Promise<DirListing> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch {
    throw new RodentError("RODENT_ERR_NOT_FOUND", `data folder ${root} does not exist or is not readable`, {
      path: root,
    });
  }
  const datasets: DirListing["datasets"] = [];
  const ignored: string[] = [];
  for (const ent of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!ent.isDirectory() || ent.name.startsWith(".")) continue;
    const dataset = FOLDERS[ent.name];
    if (!dataset) {
      ignored.push(ent.name);
      continue;
    }
    const files = (await filesUnder(path.join(root, ent.name))).sort();
    for (const f of files)
      if (!detectFormat(f))
        throw fileFormatError(f, `unknown file format (expected one of ${SUPPORTED_EXTENSIONS.join(", ")})`);
    const existing = datasets.find((d) => d.dataset === dataset);
    if (existing) existing.files.push(...files);
    else datasets.push({ dataset, files });
  }
  if (datasets.length === 0)
    throw new RodentError(
      "RODENT_ERR_NOT_FOUND",
      `no dataset folders (${Object.keys(FOLDERS).join(", ")}) in ${root}`,
      { path: root },
    );
  return { datasets, ignored };
}

/** The dataset a single file belongs to, from its folder name. */
export function datasetOfFile(file: string): DatasetName | null {
  for (const part of path.dirname(path.resolve(file)).split(path.sep).reverse()) {
    const d = FOLDERS[part];
    if (d) return d;
  }
  return null;
}

/** Open one exported file as a stream of cells, whatever its format. */
export async function openTable(
  file: string,
  spec: DatasetSpec<unknown>,
): Promise<{ table: TableStream; format: string }> {
  const f = detectFormat(file);
  if (!f) throw fileFormatError(file, `unknown file format (expected one of ${SUPPORTED_EXTENSIONS.join(", ")})`);
  try {
    await fs.access(file);
  } catch {
    throw new RodentError("RODENT_ERR_NOT_FOUND", `file ${file} does not exist`, { file });
  }
  const table = f.format === "csv" ? await readCsv(file, f.gzip) : await readJson(file, f.gzip, spec.columns);
  return { table, format: f.gzip ? `${f.format}.gz` : f.format };
}
