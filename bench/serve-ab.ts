// A/B benchmark of the service against another checkout of itself (before/after a change to the request path):
// both built from the same model and serving table, one process each, loopback, hit in alternating short bursts so
// that load from elsewhere on a shared machine falls on both alike. Prints req/s and CPU time per request (from
// /proc) for single-restaurant lookups and 100-row predict batches, medians of the rounds, and the ratios.
// Usage: npx tsx bench/serve-ab.ts --base /path/to/other/checkout [--rounds 8] [--seconds 3] [--connections 16]
// The other checkout needs node_modules (a symlink to this one's works when the dependencies are the same).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { loadConfig } from "../src/config/index.js";
import { createObjectStore } from "../src/data/index.js";
import { FEATURE_SCHEMA } from "../src/features/index.js";
import { registerArtifact, syntheticServingSet, trainTinyModel } from "../src/serve/test-fixtures.js";
import { openTracking } from "../src/tracking/index.js";

const { values: args } = parseArgs({
  options: {
    base: { type: "string" },
    rounds: { type: "string", default: "8" },
    seconds: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    n: { type: "string", default: "27000" },
  },
});
if (!args.base) throw new Error("--base /path/to/other/checkout is required");
const ROOT = path.resolve(import.meta.dirname, "..");
const SEED = 11;
const N = Number(args.n);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}
const cannon = (o: autocannon.Options) =>
  new Promise<autocannon.Result>((res, rej) =>
    autocannon({ connections: Number(args.connections), ...o }, (e, r) => (e ? rej(e) : res(r))),
  );
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function start(procs: ChildProcess[], root: string, home: string) {
  const port = await freePort();
  const p = spawn(
    process.execPath,
    ["--import", "tsx", "bench/serve-server.ts", home, String(port), String(N), String(SEED)],
    {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  procs.push(p);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (p.exitCode !== null) throw new Error(`${root}: server exited (${p.exitCode})`);
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return { base, pid: p.pid! };
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${root}: server not ready`);
}

async function main() {
  const home = mkdtempSync(path.join(os.tmpdir(), "rodent-bench-ab-"));
  const procs: ChildProcess[] = [];
  try {
    const model = await trainTinyModel(SEED, { rows: 20000, trees: 200, depth: 6 });
    const config = loadConfig({ RODENT_HOME: home, RODENT_LOG_LEVEL: "warn" });
    const tracking = await openTracking(config, createObjectStore(config));
    await registerArtifact(tracking, model, { alias: "champion" });
    await tracking.close();
    const set = syntheticServingSet(N, SEED);
    const names = FEATURE_SCHEMA.features.map((f) => f.name);
    const body = JSON.stringify({
      rows: Array.from({ length: 100 }, (_, k) =>
        Object.fromEntries(
          names.map((nm, j) => [
            nm,
            Number.isNaN(set.table.columns[j]![k * 7]!) ? null : set.table.columns[j]![k * 7]!,
          ]),
        ),
      ),
    });
    const servers = {
      before: await start(procs, path.resolve(args.base!), home),
      after: await start(procs, ROOT, home),
    };
    const work = {
      lookup: (base: string): autocannon.Options => ({
        url: base,
        requests: [
          {
            method: "GET",
            setupRequest: (r) => ({ ...r, path: `/v1/restaurants/${set.camis[Math.floor(Math.random() * N)]}/risk` }),
          },
        ],
      }),
      batch100: (base: string): autocannon.Options => ({
        url: `${base}/v1/predict`,
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      }),
    };
    for (const s of Object.values(servers))
      for (const w of Object.values(work)) await cannon({ ...w(s.base), duration: 2 });
    const out: Record<string, Record<string, { rps: number[]; cpu: number[]; bad: number }>> = {};
    for (let round = 0; round < Number(args.rounds); round++) {
      for (const [wname, w] of Object.entries(work)) {
        // Alternate which goes first, so neither always runs in the other's wake.
        const order = round % 2 ? (["after", "before"] as const) : (["before", "after"] as const);
        for (const side of order) {
          const s = servers[side];
          const c0 = cpuSeconds(s.pid);
          const r = await cannon({ ...w(s.base), duration: Number(args.seconds) });
          out[wname] ??= {};
          out[wname][side] ??= { rps: [], cpu: [], bad: 0 };
          const slot = out[wname][side];
          slot.rps.push(r.requests.average);
          slot.cpu.push(((cpuSeconds(s.pid) - c0) / r.requests.total) * 1e6);
          slot.bad += r.non2xx + r.errors + r.timeouts;
        }
      }
    }
    const summary: Record<string, unknown> = {
      rounds: Number(args.rounds),
      seconds: Number(args.seconds),
      loadavg: os.loadavg(),
    };
    for (const [wname, sides] of Object.entries(out)) {
      const b = sides.before!;
      const a = sides.after!;
      summary[wname] = {
        before: { rps: median(b.rps), cpu_us: Math.round(median(b.cpu)), failed: b.bad },
        after: { rps: median(a.rps), cpu_us: Math.round(median(a.cpu)), failed: a.bad },
        cpu_ratio_after_over_before: Number((median(a.cpu) / median(b.cpu)).toFixed(3)),
        rps_ratio_after_over_before: Number((median(a.rps) / median(b.rps)).toFixed(3)),
      };
      console.log(
        `${wname.padEnd(9)} before ${Math.round(median(b.rps))} req/s ${Math.round(median(b.cpu))} µs CPU/req | after ${Math.round(median(a.rps))} req/s ${Math.round(median(a.cpu))} µs CPU/req | CPU ×${(median(a.cpu) / median(b.cpu)).toFixed(3)}`,
      );
    }
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    for (const p of procs) p.kill("SIGTERM");
    rmSync(home, { recursive: true, force: true });
  }
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
