// Ingest benchmark: the synthetic NYC 2015–2024 at scale 1 and 10 through the file source (the path every
// snapshot takes), rows/s and peak RSS per run, medians over runs. Target: scale 1 under 20 s on 2 cores.
//   npx tsx bench/ingest.ts [--scales 1,10] [--runs 3] [--prepare]   (--prepare: only write the synthetic cities)
// The synthetic city is written once per scale into $TMPDIR/rodent-bench-synth-s<scale> and reused.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadConfig } from "../src/config/index.js";
import { DEFAULT_SYNTH, writeSyntheticCity } from "../src/data/synth/index.js";
import { createLogger } from "../src/util/log.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function synthDir(scale: number): Promise<string> {
  const dir = path.join(os.tmpdir(), `rodent-bench-synth-s${scale}`);
  const done = path.join(dir, ".complete");
  if (existsSync(done)) return dir;
  rmSync(dir, { recursive: true, force: true });
  const log = createLogger("info");
  const config = loadConfig({});
  const t0 = Date.now();
  await writeSyntheticCity(dir, { ...DEFAULT_SYNTH, scale, dataDir: config.dataDir }, log);
  writeFileSync(done, String(Date.now() - t0));
  log.info({ scale, dir, seconds: (Date.now() - t0) / 1000 }, "synthetic city written");
  return dir;
}

interface Run {
  seconds: number;
  cpu_seconds?: number;
  rows_in: number;
  rows_per_s: number;
  peak_rss_mb: number;
  snapshot: string;
}

async function main() {
  const scales = arg("scales", "1,10").split(",").map(Number);
  const runs = Number(arg("runs", "3"));
  const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");
  const summary: Record<string, unknown>[] = [];
  if (process.argv.includes("--prepare")) {
    for (const scale of scales) await synthDir(scale);
    return;
  }
  for (const scale of scales) {
    const dir = await synthDir(scale);
    const n = scale === 1 ? runs : 1;
    const results: Run[] = [];
    for (let i = 0; i < n; i++) {
      const home = mkdtempSync(path.join(os.tmpdir(), "rodent-bench-home-"));
      try {
        const { stdout } = await promisify(execFile)(tsx, [path.join(ROOT, "bench", "ingest-run.ts"), dir, home], {
          maxBuffer: 1 << 24,
        });
        const r = JSON.parse(stdout.trim().split("\n").at(-1)!) as Run;
        results.push(r);
        process.stderr.write(`scale ${scale} run ${i + 1}/${n}: ${JSON.stringify(r)}\n`);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    }
    summary.push({
      scale,
      runs: n,
      rows_in: results[0]!.rows_in,
      median_seconds: Number(median(results.map((r) => r.seconds)).toFixed(2)),
      median_rows_per_s: Math.round(median(results.map((r) => r.rows_per_s))),
      median_cpu_seconds: Number(median(results.map((r) => r.cpu_seconds ?? Number.NaN)).toFixed(1)),
      peak_rss_mb: Math.max(...results.map((r) => r.peak_rss_mb)),
      same_snapshot_every_run: new Set(results.map((r) => r.snapshot)).size === 1,
      cpus: os.cpus().length,
      loadavg_1m: Number(os.loadavg()[0]!.toFixed(2)),
    });
  }
  process.stdout.write(`${JSON.stringify({ bench: "ingest", target: "scale 1 < 20 s", results: summary }, null, 2)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exitCode = 1;
});
