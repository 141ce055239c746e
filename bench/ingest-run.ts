// One measured ingest in its own process (so peak RSS belongs to this run only). Used by bench/ingest.ts.
//   npx tsx bench/ingest-run.ts DATA_DIR RODENT_HOME
import { performance } from "node:perf_hooks";
import { loadConfig } from "../src/config/index.js";
import { createObjectStore, ingest } from "../src/data/index.js";
import { createLogger } from "../src/util/log.js";

async function main() {
  const [dir, home] = process.argv.slice(2);
  if (!dir || !home) throw new Error("usage: ingest-run.ts DATA_DIR RODENT_HOME");
  const config = loadConfig({ RODENT_HOME: home });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await ingest({ store: createObjectStore(config), config, log: createLogger("warn"), source: `dir:${dir}` });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rowsIn = r.quality.totals.rows_in;
  process.stdout.write(
    `${JSON.stringify({
      snapshot: r.snapshot,
      seconds,
      rows_in: rowsIn,
      rows: r.quality.totals.rows,
      quarantined: r.quality.totals.quarantined,
      rows_per_s: Math.round(rowsIn / seconds),
      // On a shared machine wall time mostly measures the neighbours; CPU seconds (all threads) do not.
      cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exitCode = 1;
});
