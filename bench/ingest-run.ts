// One measured ingest in its own process (so peak RSS belongs to this run only). Used by bench/ingest.ts.
//   npx tsx bench/ingest-run.ts DATA_DIR RODENT_HOME
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../src/config/index.js";
import { createObjectStore, ingest } from "../src/data/index.js";
import { createLogger } from "../src/util/log.js";

/**
 * CPU seconds per thread (Linux /proc, sampled every 100 ms so threads that exit early are counted too): the main
 * thread, the parse workers, and the libuv pool (gzip, gunzip). On a shared machine this, not wall time, says how
 * the work splits over cores: on an idle machine the wall time is about the busiest core's share.
 */
function threadCpuSampler(): () => Record<string, number> {
  const seen = new Map<string, { name: string; ticks: number }>();
  const sample = () => {
    if (!existsSync("/proc/self/task")) return;
    for (const tid of readdirSync("/proc/self/task")) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const ticks = Number(f[11]) + Number(f[12]); // utime + stime
        const name = tid === String(process.pid) ? "main" : readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
        seen.set(tid, { name, ticks });
      } catch {
        /* the thread just exited */
      }
    }
  };
  const timer = setInterval(sample, 100);
  timer.unref();
  return () => {
    sample();
    clearInterval(timer);
    // Threads are unnamed ("node"): the main thread, then the others by CPU, those under 0.1 s summed.
    const out: Record<string, number> = {};
    const others = [...seen.values()].filter((t) => t.name !== "main").sort((a, b) => b.ticks - a.ticks);
    out.main = (seen.get(String(process.pid))?.ticks ?? 0) / 100;
    let rest = 0;
    others.forEach((t, i) => {
      if (t.ticks >= 10) out[`thread${i + 1}`] = t.ticks / 100;
      else rest += t.ticks / 100;
    });
    out.rest = Number(rest.toFixed(1));
    return out;
  };
}

async function main() {
  const [dir, home] = process.argv.slice(2);
  if (!dir || !home) throw new Error("usage: ingest-run.ts DATA_DIR RODENT_HOME");
  const config = loadConfig({ RODENT_HOME: home });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const threads = threadCpuSampler();
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
      thread_cpu_seconds: threads(),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exitCode = 1;
});
