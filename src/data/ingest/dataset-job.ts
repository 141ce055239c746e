import { stat } from "node:fs/promises";
import path from "node:path";
import { RodentError } from "../../errors.js";
import type { DatasetName } from "../records.js";
import type { WrittenFile } from "../snapshot/ndjson-writer.js";
import { assertDataFile, openTable } from "../sources/files.js";
import { readCsvPieces } from "../sources/formats/csv-pieces.js";
import { detectFormat, fileFormatError } from "../sources/formats/open.js";
import type { DatasetQuality } from "../validate/quality.js";
import { QuarantineWriter } from "../validate/quarantine.js";
import { SPECS } from "../validate/specs.js";
import { DatasetCollector } from "./collector.js";
import type { ParseFarm } from "./parse-farm.js";

/** Everything needed to turn one dataset's files into its snapshot file. */
export interface DatasetJob {
  dataset: DatasetName;
  /** Folder the file labels (in the quality report and quarantine) are relative to. */
  root: string;
  files: string[];
  tmp: string;
  outFile: string;
  /** This dataset's part of the quarantine (null: count only, as `rodent validate` does). */
  quarantineFile: string | null;
  spillBytes?: number;
  windowRows?: number;
  /** With a farm: CSV files at least this big (on disk) are parsed on its workers (default 1 MB). */
  farmMinBytes?: number;
}

export interface DatasetJobResult {
  quality: DatasetQuality;
  file: WrittenFile;
  quarantine: WrittenFile | null;
}

/** Smaller CSV files are not worth the messages to the farm's workers. */
const FARM_MIN_BYTES = 1 << 20;

/**
 * Read, validate, sort, dedupe and write one dataset. With a ParseFarm, big CSV files are parsed on its worker
 * threads (identical output); everything else, and everything without a farm, on this thread.
 */
export async function runDatasetJob(
  job: DatasetJob,
  onRows?: (n: number) => void,
  farm?: ParseFarm | null,
): Promise<DatasetJobResult> {
  const spec = SPECS[job.dataset] as never;
  const quarantine = new QuarantineWriter(job.quarantineFile);
  const c = new DatasetCollector(spec, job.tmp, quarantine, job.outFile, job);
  for (const file of job.files) {
    const label = path.relative(job.root, file).split(path.sep).join("/");
    const f = detectFormat(file);
    const min = job.farmMinBytes ?? FARM_MIN_BYTES;
    await assertDataFile(file);
    if (farm && f?.format === "csv" && ((await stat(file).catch(() => null))?.size ?? 0) >= min) {
      const csv = await readCsvPieces(file, f.gzip);
      try {
        c.checkHeader(label, csv.columns);
      } catch (e) {
        csv.close();
        throw e;
      }
      const results = farm.parse(job.dataset, csv.columns, csv.pieces);
      try {
        await c.addParsed(label, f.gzip ? "csv.gz" : "csv", csv.columns, results, onRows);
      } catch (e) {
        // Parse errors come back as plain messages: name the file, as the single-threaded reader does.
        if (e instanceof RodentError) throw e;
        throw fileFormatError(file, `CSV parse error: ${(e as Error).message}`);
      }
      continue;
    }
    const { table, format } = await openTable(file, spec);
    await c.addTable(label, format, table, onRows);
  }
  const { quality, file } = await c.finish();
  return { quality, file, quarantine: await quarantine.close() };
}
