import fs from "node:fs/promises";
import path from "node:path";
import type { Config } from "../../config/index.js";
import { RodentError } from "../../errors.js";
import type { Logger } from "../../util/log.js";
import { currentOwner, ownerAlive, type ProcessOwner } from "../../util/process-owner.js";
import { progress } from "../../util/progress.js";
import type { ObjectStore } from "../object-store.js";
import { DATASETS, type DatasetName } from "../records.js";
import { codeVersion } from "../snapshot/code-version.js";
import {
  type DatasetSummary,
  manifestKey,
  type SnapshotFile,
  type SnapshotManifest,
  snapshotDir,
  snapshotId,
} from "../snapshot/manifest.js";
import type { WrittenFile } from "../snapshot/ndjson-writer.js";
import { listSnapshots, readManifest, readRecords } from "../snapshot/store.js";
import { datasetOfFile, listDataDir } from "../sources/files.js";
import { detectFormat } from "../sources/formats/open.js";
import { OVERLAP_DAYS, SOCRATA_DATASETS, type SocrataOptions, socrataTable } from "../sources/socrata.js";
import type { QualityReport } from "../validate/quality.js";
import { QuarantineWriter } from "../validate/quarantine.js";
import { SPECS } from "../validate/specs.js";
import { DatasetCollector } from "./collector.js";
import { type DatasetJob, type DatasetJobResult, runDatasetJob } from "./dataset-job.js";
import { ParseFarm } from "./parse-farm.js";
import { parseSource } from "./source-spec.js";
import { type SynthOptions, writeSynth } from "./synth-bridge.js";

export interface IngestOptions {
  store: ObjectStore;
  config: Config;
  /** "socrata" | "dir:PATH" | "synth[:SEED]" */
  source: string;
  /** Socrata only: pull rows dated on/after this day instead of from the watermark. */
  since?: string;
  log: Logger;
  /** Overrides of DEFAULT_SYNTH for `synth` sources (dataDir defaults to config.dataDir). */
  synth?: Partial<SynthOptions>;
  /** Socrata client knobs (page size, retry delays); tests shrink them. */
  socrata?: Partial<Omit<SocrataOptions, "log">>;
  /** Buffered bytes per dataset before a sorted run spills to disk (default 32 MB). */
  spillBytes?: number;
  /** Rows of key disorder absorbed in memory before a dataset falls back to the external sort (tests shrink it). */
  windowRows?: number;
  /** File sources: parse CSV on worker threads (default: when the files add up to 8 MB or more). */
  workers?: boolean;
  /** Test hook: runs after the data files are stored and before the manifest makes the snapshot visible. */
  beforeManifest?: (id: string) => Promise<void>;
}

export interface IngestResult {
  snapshot: string;
  reused: boolean;
  datasets: Partial<Record<DatasetName, DatasetSummary>>;
  manifest: SnapshotManifest;
  quality: QualityReport;
}

export interface ValidateResult {
  quality: QualityReport;
}

type AnyCollector = DatasetCollector<unknown>;
type Results = Map<DatasetName, DatasetJobResult>;
type SortOptions = Pick<IngestOptions, "spillBytes" | "windowRows">;

/**
 * Below this much input (bytes on disk) everything stays on the main thread: starting workers costs more than
 * they save. The synthetic city at scale 1 has ~68 MB of gzip CSV.
 */
const WORKER_MIN_BYTES = 8 << 20;

const outFile = (tmp: string, d: DatasetName) => path.join(tmp, `${d}.ndjson.gz`);
const quarantinePart = (tmp: string, d: DatasetName) => path.join(tmp, `quarantine.${d}.ndjson.gz`);

/** One job per dataset of an export folder, in DATASETS order. */
async function dirJobs(root: string, tmp: string, log: Logger, sort: SortOptions, keepQuarantine: boolean) {
  const listing = await listDataDir(root);
  if (listing.ignored.length)
    log.info({ root, ignored: listing.ignored }, "folders that are not record datasets were ignored");
  const jobs: DatasetJob[] = [];
  for (const d of DATASETS) {
    const entry = listing.datasets.find((x) => x.dataset === d);
    if (!entry) continue;
    jobs.push({
      dataset: d,
      root,
      files: entry.files,
      tmp,
      outFile: outFile(tmp, d),
      quarantineFile: keepQuarantine ? quarantinePart(tmp, d) : null,
      spillBytes: sort.spillBytes,
      windowRows: sort.windowRows,
    });
  }
  return jobs;
}

/**
 * Run the jobs one dataset after another. When the input is big enough (or `workers` is true), CSV parsing and
 * validation go to a ParseFarm of worker threads while this thread sorts, dedupes and writes; the output is the
 * same bytes either way.
 */
async function runJobs(jobs: DatasetJob[], log: Logger, workers: boolean | undefined): Promise<Results> {
  let bytes = 0;
  for (const j of jobs) for (const f of j.files) bytes += (await fs.stat(f).catch(() => null))?.size ?? 0;
  const farm = (workers ?? bytes >= WORKER_MIN_BYTES) ? await ParseFarm.start() : null;
  // Asked for explicitly: every CSV file goes to the workers, whatever its size.
  if (workers) for (const j of jobs) j.farmMinBytes = 0;
  try {
    const results: Results = new Map();
    for (const job of jobs) {
      const bar = progress(log, `read ${job.dataset}`);
      results.set(job.dataset, await runDatasetJob(job, (n) => bar.tick(n), farm));
      bar.done({ files: job.files.length, ...(farm ? { parse_threads: farm.size } : {}) });
    }
    return results;
  } finally {
    await farm?.close();
  }
}

/** Finish a collector fed on this thread (Socrata pulls, carried rows) into a job result. */
async function finishCollector(c: AnyCollector, q: QuarantineWriter): Promise<DatasetJobResult> {
  const { quality, file } = await c.finish();
  return { quality, file, quarantine: await q.close() };
}

/** Pull inspections and rat sightings from Socrata, merged with the previous Socrata snapshot. */
async function collectSocrata(opts: IngestOptions, tmp: string) {
  const { store, config, log } = opts;
  const previous = (await listSnapshots(store)).filter((m) => m.source === "socrata").at(-1) ?? null;
  const out: Results = new Map();
  const watermarks: Partial<Record<DatasetName, string>> = {};
  const collector = (d: DatasetName) => {
    const q = new QuarantineWriter(quarantinePart(tmp, d));
    return { q, c: new DatasetCollector(SPECS[d] as never, tmp, q, outFile(tmp, d), opts) as AnyCollector };
  };
  for (const def of SOCRATA_DATASETS) {
    const { c, q } = collector(def.dataset);
    const mark = previous?.watermarks[def.dataset];
    const since = opts.since ?? (mark ? shiftDays(mark.slice(0, 10), -OVERLAP_DAYS) : undefined);
    log.info(
      { dataset: def.dataset, socrata_id: def.id, since: since ?? "all", previous: previous?.id },
      "socrata pull",
    );
    const bar = progress(log, `pull ${def.dataset}`);
    const table = socrataTable(def, SPECS[def.dataset].columns, {
      baseUrl: config.socrata.baseUrl,
      appToken: config.socrata.appToken,
      ...opts.socrata,
      log,
      since,
      onPage: (n) => bar.tick(n),
    });
    await c.addTable(`socrata:${def.id}`, "json", table);
    bar.done();
    // Every snapshot is complete: the previous snapshot's rows stay unless a pulled row replaces them.
    if (previous) for await (const r of readRecords(store, previous.id, def.dataset)) await c.addCarried(r);
    out.set(def.dataset, await finishCollector(c, q));
  }
  // Weather has no API here (NOAA files): carry it over, or start from the bundled NOAA files.
  for (const d of ["weather"] as const) {
    if (previous?.datasets[d]) {
      const { c, q } = collector(d);
      for await (const r of readRecords(store, previous.id, d)) await c.addCarried(r);
      out.set(d, await finishCollector(c, q));
    } else {
      const dir = path.join(config.dataDir, "nyc", "weather");
      const files = (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => detectFormat(f) !== null);
      if (files.length)
        out.set(
          d,
          await runDatasetJob({
            dataset: d,
            root: path.dirname(dir),
            files: files.sort().map((f) => path.join(dir, f)),
            tmp,
            outFile: outFile(tmp, d),
            quarantineFile: quarantinePart(tmp, d),
            spillBytes: opts.spillBytes,
            windowRows: opts.windowRows,
          }),
        );
    }
  }
  return { results: out, watermarks };
}

function shiftDays(day: string, n: number): string {
  const t = Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * Each ingest's temp folder ($RODENT_HOME/tmp/ingest-*) holds OWNER_FILE, the pid, host and start time of the
 * process using it: that file is the folder's lock. A folder whose owner is dead was left by a crash or a kill -9
 * (tens of MB each) and is deleted by the next ingest or validate, and by `rodent snapshots --gc`; a folder of a
 * live ingest is never touched, so two ingests on one RODENT_HOME do not delete each other's work. A folder
 * without the file is a few milliseconds old (being created) or from an older version: deleted after 10 minutes.
 */
const OWNER_FILE = "owner.json";
const UNOWNED_GRACE_MS = 10 * 60_000;

async function abandoned(dir: string): Promise<boolean> {
  try {
    return !ownerAlive(JSON.parse(await fs.readFile(path.join(dir, OWNER_FILE), "utf8")) as ProcessOwner);
  } catch {
    const st = await fs.stat(dir).catch(() => null);
    return st !== null && Date.now() - st.mtimeMs > UNOWNED_GRACE_MS;
  }
}

/** Delete the temp folders of ingests that are no longer running; returns the folders deleted. */
export async function cleanIngestTemp(config: Config): Promise<string[]> {
  const base = path.join(config.home, "tmp");
  const removed: string[] = [];
  for (const d of (await fs.readdir(base).catch(() => [] as string[])).filter((x) => x.startsWith("ingest-"))) {
    const dir = path.join(base, d);
    if (!(await abandoned(dir))) continue;
    await fs.rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

async function makeTmp(config: Config, log?: Logger): Promise<string> {
  const removed = await cleanIngestTemp(config);
  if (removed.length) log?.info({ removed }, "deleted temp folders of interrupted ingests");
  const base = path.join(config.home, "tmp");
  await fs.mkdir(base, { recursive: true });
  const dir = await fs.mkdtemp(path.join(base, "ingest-"));
  await fs.writeFile(path.join(dir, OWNER_FILE), JSON.stringify(currentOwner()));
  return dir;
}

/** The written files and the quality report of finished datasets, in DATASETS order. */
function summarize(results: Results, source: string): { files: Map<DatasetName, WrittenFile>; quality: QualityReport } {
  const files = new Map<DatasetName, WrittenFile>();
  const quality: QualityReport = { source, datasets: {}, totals: { rows_in: 0, rows: 0, quarantined: 0 } };
  for (const d of DATASETS) {
    const r = results.get(d);
    if (!r) continue;
    files.set(d, r.file);
    const q = r.quality;
    quality.datasets[d] = q;
    quality.totals.rows_in += q.rows_in;
    quality.totals.rows += q.rows;
    quality.totals.quarantined += q.quarantined;
  }
  return { files, quality };
}

/**
 * Ingest a source into a new immutable snapshot. Data files are uploaded first and the manifest last, so a
 * crash at any point leaves no visible half snapshot. Identical records give the identical (reused) id.
 */
export async function ingest(opts: IngestOptions): Promise<IngestResult> {
  const { store, config, log } = opts;
  const src = parseSource(opts.source);
  if (opts.since !== undefined && src.kind !== "socrata")
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "--since applies only to --source socrata", {
      argument: "since",
    });
  if (opts.since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.since))
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `--since ${JSON.stringify(opts.since)}: expected YYYY-MM-DD`, {
      argument: "since",
    });
  const tmp = await makeTmp(config, log);
  try {
    let results: Results;
    let watermarks: Partial<Record<DatasetName, string>> = {};
    if (src.kind === "socrata") ({ results, watermarks } = await collectSocrata(opts, tmp));
    else {
      let root: string;
      if (src.kind === "synth") {
        root = path.join(tmp, "synth");
        await writeSynth(root, config.dataDir, opts.synth, src.seed, log);
      } else root = path.resolve(src.path);
      results = await runJobs(await dirJobs(root, tmp, log, opts, true), log, opts.workers);
    }
    const { files, quality } = summarize(results, opts.source);
    // One quarantine file: each dataset's part in DATASETS order (parts are written concurrently).
    const quarantine = new QuarantineWriter(path.join(tmp, "quarantine.ndjson.gz"));
    for (const d of DATASETS) {
      const part = results.get(d)?.quarantine;
      if (part) await quarantine.appendFile(part.file);
    }
    const qFile = await quarantine.close();
    if (!qFile) throw new RodentError("RODENT_ERR_INTERNAL", "quarantine file was not written");
    for (const [d, q] of Object.entries(quality.datasets)) if (q?.max_date) watermarks[d as DatasetName] = q.max_date;

    const id = snapshotId([
      ...[...files].map(([name, f]) => ({ name, contentSha256: f.contentSha256, rows: f.lines })),
      { name: "quarantine", contentSha256: qFile.contentSha256, rows: qFile.lines },
    ]);
    const summaries: Partial<Record<DatasetName, DatasetSummary>> = {};
    for (const [d, q] of Object.entries(quality.datasets))
      if (q)
        summaries[d as DatasetName] = {
          rows: q.rows,
          quarantined: q.quarantined,
          min_date: q.min_date,
          max_date: q.max_date,
        };

    if (await store.exists(manifestKey(id))) {
      log.info({ snapshot: id }, "identical snapshot exists; reusing it");
      const manifest = await readManifest(store, id);
      return { snapshot: id, reused: true, datasets: summaries, manifest, quality };
    }
    const dir = snapshotDir(id);
    const put = async (name: string, f: WrittenFile): Promise<SnapshotFile> => {
      const key = `${dir}${name}`;
      await store.putFile(key, f.file);
      return { key, sha256: f.sha256, bytes: f.bytes, content_sha256: f.contentSha256 };
    };
    const datasets: SnapshotManifest["datasets"] = {};
    for (const [d, f] of files) datasets[d] = { ...summaries[d]!, files: [await put(`data/${d}.ndjson.gz`, f)] };
    const quarantineFile = await put("quarantine.ndjson.gz", qFile);
    const qualityKey = `${dir}quality.json`;
    await store.put(qualityKey, `${JSON.stringify(quality, null, 2)}\n`);
    const manifest: SnapshotManifest = {
      id,
      created_at: new Date().toISOString(),
      source: opts.source,
      code_version: await codeVersion(),
      watermarks,
      datasets,
      quality_key: qualityKey,
      quarantine_key: quarantineFile.key,
      format: "ndjson.gz",
    };
    await opts.beforeManifest?.(id);
    await store.put(manifestKey(id), `${JSON.stringify(manifest, null, 2)}\n`);
    log.info({ snapshot: id, store: store.uri }, "snapshot written");
    return { snapshot: id, reused: false, datasets: summaries, manifest, quality };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** Validate files (a dataset folder layout, or one file) without writing a snapshot. */
export async function validateFiles(opts: {
  path: string;
  dataset?: DatasetName;
  config: Config;
  log: Logger;
}): Promise<ValidateResult> {
  const target = path.resolve(opts.path);
  const stat = await fs.stat(target).catch(() => null);
  if (!stat) throw new RodentError("RODENT_ERR_NOT_FOUND", `${opts.path} does not exist`, { path: opts.path });
  const tmp = await makeTmp(opts.config, opts.log);
  try {
    let jobs: DatasetJob[];
    if (stat.isDirectory()) jobs = await dirJobs(target, tmp, opts.log, {}, false);
    else {
      const d = opts.dataset ?? datasetOfFile(target);
      if (!d)
        throw new RodentError(
          "RODENT_ERR_INVALID_ARGUMENT",
          `cannot tell which dataset ${opts.path} holds: put it in an inspections/, rat-sightings/, weather/ or truth/ folder, or pass --dataset`,
          { argument: "dataset" },
        );
      jobs = [
        {
          dataset: d,
          root: path.dirname(target),
          files: [target],
          tmp,
          outFile: outFile(tmp, d),
          quarantineFile: null,
        },
      ];
    }
    const { quality } = summarize(await runJobs(jobs, opts.log, undefined), `validate:${opts.path}`);
    return { quality };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
