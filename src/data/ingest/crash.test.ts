// kill -9 during ingest: only complete snapshots are ever listed, and the next ingest succeeds.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../util/log.js";
import { ownerAlive, type ProcessOwner } from "../../util/process-owner.js";
import { LocalObjectStore, type ObjectStore } from "../object-store.js";
import { listSnapshots } from "../snapshot/store.js";
import { INSPECTION_HEADER, inspectionRow, testConfig, tmpDir, writeDataFile } from "./ingest.fixture.js";
import { ingest } from "./ingest.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const TSX = path.join(REPO, "node_modules", ".bin", "tsx");

/** Every listed snapshot is whole: each file's bytes match the manifest's sha256. */
async function assertAllComplete(store: ObjectStore): Promise<string[]> {
  const all = await listSnapshots(store);
  for (const m of all)
    for (const d of Object.values(m.datasets))
      for (const f of d!.files)
        expect(
          createHash("sha256")
            .update(await store.get(f.key))
            .digest("hex"),
        ).toBe(f.sha256);
  return all.map((m) => m.id);
}

function waitFor(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes(text)) resolve();
    });
    child.stderr!.on("data", (d) => {
      err += d;
    });
    child.on("exit", (code) => reject(new Error(`child exited (${code}) before "${text}": ${err.slice(-2000)}`)));
  });
}

/**
 * kill -9 the ingest itself: tsx runs the script in a node child of its own, so the whole process group is
 * killed (killing only the tsx wrapper would leave the ingest running, and the process behind).
 */
function kill9(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

const exited = (child: ChildProcess) =>
  new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.on("exit", () => r())));

function dataset(rows: number): string {
  const root = tmpDir();
  const lines = [INSPECTION_HEADER];
  for (let i = 0; i < rows; i++)
    lines.push(inspectionRow({ CAMIS: String(40000000 + i), "INSPECTION DATE": `0${1 + (i % 9)}/1${i % 10}/2023` }));
  writeDataFile(root, "inspections", "a.csv.gz", `${lines.join("\n")}\n`);
  return root;
}

describe("kill -9 during ingest", () => {
  it("after the data files and before the manifest: the half snapshot is invisible, the next ingest completes it", async () => {
    const config = testConfig();
    const store = new LocalObjectStore(config.store.kind === "local" ? config.store.root : "");
    const earlier = await ingest({ store, config, log: silentLogger, source: `dir:${dataset(5)}` });
    const root = dataset(50);
    const script = path.join(tmpDir(), "child.mts");
    writeFileSync(
      script,
      `import { ingest } from ${JSON.stringify(path.join(REPO, "src/data/ingest/ingest.ts"))};
import { LocalObjectStore } from ${JSON.stringify(path.join(REPO, "src/data/object-store.ts"))};
import { loadConfig } from ${JSON.stringify(path.join(REPO, "src/config/index.ts"))};
import { silentLogger } from ${JSON.stringify(path.join(REPO, "src/util/log.ts"))};
const config = loadConfig({ RODENT_HOME: ${JSON.stringify(config.home)} });
setInterval(() => {}, 1000);
await ingest({ store: new LocalObjectStore(${JSON.stringify(config.store.kind === "local" ? config.store.root : "")}), config,
  log: silentLogger, source: ${JSON.stringify(`dir:${root}`)},
  beforeManifest: async (id) => { process.stdout.write("PAUSED " + id + "\\n"); await new Promise(() => {}); } });
`,
    );
    const child = spawn(TSX, [script], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    await waitFor(child, "PAUSED");
    kill9(child);
    await exited(child);

    // The killed ingest left its temp folder behind (data files of tens of MB at full scale)…
    const tmpBase = path.join(config.home, "tmp");
    const left = readdirSync(tmpBase).filter((d) => d.startsWith("ingest-"));
    expect(left).toHaveLength(1);
    // The tsx wrapper exits before the kernel has finished the ingest process under it (SIGKILL is not instant on
    // a loaded machine): wait until the folder's owner is really gone, which is the premise of this test.
    const owner = JSON.parse(readFileSync(path.join(tmpBase, left[0], "owner.json"), "utf8")) as ProcessOwner;
    for (let t0 = Date.now(); ownerAlive(owner) && Date.now() - t0 < 10_000; )
      await new Promise((r) => setTimeout(r, 50));
    expect(ownerAlive(owner)).toBe(false);
    const keys = await store.list("snapshots/");
    const stray = keys.filter((k) => !k.startsWith(`snapshots/${earlier.snapshot}/`));
    expect(stray.length).toBeGreaterThan(0); // data files were written…
    expect(stray.some((k) => k.endsWith("manifest.json"))).toBe(false); // …but no manifest
    expect(await assertAllComplete(store)).toEqual([earlier.snapshot]);

    const next = await ingest({ store, config, log: silentLogger, source: `dir:${root}` });
    expect(next.reused).toBe(false);
    expect(await assertAllComplete(store)).toEqual([earlier.snapshot, next.snapshot]);
    // …which the next ingest deleted, its owner being dead.
    expect(readdirSync(tmpBase).filter((d) => d.startsWith("ingest-"))).toEqual([]);
  });

  it("deletes only temp folders no live ingest owns", async () => {
    const config = testConfig();
    const store = new LocalObjectStore(config.store.kind === "local" ? config.store.root : "");
    const tmpBase = path.join(config.home, "tmp");
    const folder = (name: string, owner: object | null, ageMs = 0) => {
      const d = path.join(tmpBase, name);
      mkdirSync(d, { recursive: true });
      writeFileSync(path.join(d, "inspections.ndjson.gz"), "x");
      if (owner) writeFileSync(path.join(d, "owner.json"), JSON.stringify(owner));
      if (ageMs) utimesSync(d, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
    };
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    folder("ingest-dead", { pid: Number(dead.stdout), host: os.hostname(), startTicks: null });
    folder("ingest-live", { pid: process.pid, host: os.hostname(), startTicks: null });
    folder("ingest-other-host", { pid: 1, host: "another-machine", startTicks: null });
    folder("ingest-old-unowned", null, 60 * 60_000);
    folder("ingest-new-unowned", null);
    folder("not-an-ingest", null, 60 * 60_000);
    await ingest({ store, config, log: silentLogger, source: `dir:${dataset(3)}` });
    expect(readdirSync(tmpBase).sort()).toEqual(
      ["ingest-live", "ingest-new-unowned", "ingest-other-host", "not-an-ingest"].sort(),
    );
  });

  it("in every phase of `rodent ingest` (reading, writing, uploading, any time): only complete snapshots are listed", async () => {
    const config = testConfig();
    const store = new LocalObjectStore(config.store.kind === "local" ? config.store.root : "");
    const root = dataset(20_000);
    const env = { ...process.env, RODENT_HOME: config.home, RODENT_LOG_LEVEL: "silent" };
    const tmpBase = path.join(config.home, "tmp");
    const ingestDirs = () => (existsSync(tmpBase) ? readdirSync(tmpBase).map((d) => path.join(tmpBase, d)) : []);
    const snapshotFiles = () => {
      const dir = path.join(config.home, "store", "snapshots");
      return existsSync(dir) ? readdirSync(dir, { recursive: true }).length : 0;
    };
    // Phases are detected from the files the child creates, so the kills land where intended whatever the load.
    const phases: [string, () => boolean][] = [
      ["reading", () => ingestDirs().length > 0],
      ["writing", () => ingestDirs().some((d) => existsSync(path.join(d, "inspections.ndjson.gz")))],
      ["uploading", () => snapshotFiles() > 0],
      ["random", () => Math.random() < 0.002],
    ];
    for (const [phase, reached] of phases) {
      for (const d of ingestDirs()) rmSync(d, { recursive: true, force: true }); // leftovers of the previous kill
      const child = spawn(TSX, [path.join(REPO, "src/cli/main.ts"), "ingest", "--source", `dir:${root}`, "--json"], {
        stdio: ["ignore", "pipe", "pipe"],
        env,
        detached: true,
      });
      while (!reached() && child.exitCode === null) await new Promise((r) => setTimeout(r, 2));
      kill9(child);
      await exited(child);
      const ids = await assertAllComplete(store);
      expect(ids.length, phase).toBeLessThanOrEqual(1);
    }
    const r = await ingest({ store, config, log: silentLogger, source: `dir:${root}` });
    expect(r.datasets.inspections!.rows).toBe(20_000);
    expect(await assertAllComplete(store)).toEqual([r.snapshot]);
  });
});
