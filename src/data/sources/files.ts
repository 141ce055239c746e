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

type Kind = "file" | "dir";

/** What a non-regular file is, in words, for an error. */
function kindOf(st: import("node:fs").Stats | import("node:fs").Dirent): string {
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/**
 * A file or a folder, following symbolic links; anything else is an error naming the path, never skipped: a loop,
 * a link to nothing, a FIFO (reading one would wait forever), a socket or a device. An export folder often holds
 * links to files kept elsewhere, and a skipped file silently loses its rows.
 */
async function entryKind(p: string, ent?: import("node:fs").Dirent): Promise<Kind> {
  if (ent?.isDirectory()) return "dir";
  if (ent?.isFile()) return "file";
  let st: import("node:fs").Stats;
  try {
    st = await fs.stat(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw fileFormatError(p, "symbolic link loop (the link points back to itself)");
    if (code === "ENOENT") {
      const target = await fs.readlink(p).catch(() => "?");
      throw fileFormatError(p, `dangling symbolic link (its target ${target} does not exist)`);
    }
    if (code === "EACCES") throw fileFormatError(p, "not readable (permission denied)");
    throw e;
  }
  if (st.isDirectory()) return "dir";
  if (st.isFile()) return "file";
  throw fileFormatError(p, `${kindOf(st)}, not a data file`);
}

/** Throw RODENT_ERR_NOT_FOUND / RODENT_ERR_FILE_FORMAT unless `file` is (a link to) a regular file. */
export async function assertDataFile(file: string): Promise<void> {
  try {
    await fs.lstat(file);
  } catch {
    throw new RodentError("RODENT_ERR_NOT_FOUND", `file ${file} does not exist`, { file });
  }
  if ((await entryKind(file)) !== "file") throw fileFormatError(file, "a folder, not a data file");
}

async function filesUnder(dir: string, seen: Set<string>): Promise<string[]> {
  // Each real folder once: a link back to an ancestor would otherwise recurse until the path is too long.
  const real = await fs.realpath(dir);
  if (seen.has(real)) throw fileFormatError(dir, `symbolic link loop (${real} is already being read)`);
  seen.add(real);
  const out: string[] = [];
  for (const ent of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.name.startsWith(".") || /^readme/i.test(ent.name)) continue;
    const kind = await entryKind(p, ent);
    if (kind === "dir") out.push(...(await filesUnder(p, new Set(seen))));
    else out.push(p);
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
    if (ent.name.startsWith(".")) continue;
    const dataset = FOLDERS[ent.name];
    if (!dataset) {
      if (ent.isDirectory()) ignored.push(ent.name);
      continue;
    }
    // A dataset folder may be a link to a folder elsewhere; a dataset name that is not a folder is an error.
    if ((await entryKind(path.join(root, ent.name), ent)) !== "dir")
      throw fileFormatError(path.join(root, ent.name), "a dataset must be a folder of files");
    const files = (await filesUnder(path.join(root, ent.name), new Set())).sort();
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
  await assertDataFile(file);
  const table = f.format === "csv" ? await readCsv(file, f.gzip) : await readJson(file, f.gzip, spec.columns);
  return { table, format: f.gzip ? `${f.format}.gz` : f.format };
}
