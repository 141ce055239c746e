import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { isRodentError } from "../errors.js";
import { acquireRunLock, LOCK_FILE, withRunLock } from "./run-lock.js";

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "run-lock.fixture.ts");
const children: ChildProcess[] = [];

interface Report {
  ok: boolean;
  pid: number;
  tookOver?: number | null;
  code?: string;
}

/** Start a real process that takes the lock; resolves with its first report line. */
function start(home: string, mode: "crash" | "hold" | "try"): { proc: ChildProcess; report: Promise<Report> } {
  const proc = spawn(process.execPath, ["--import", "tsx", FIXTURE, home, mode], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(proc);
  let err = "";
  proc.stderr!.on("data", (d) => {
    err += d;
  });
  const report = new Promise<Report>((resolve, reject) => {
    let buf = "";
    proc.stdout!.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    proc.on("exit", (code) => {
      if (!buf.includes("\n")) reject(new Error(`fixture exited ${code} without a report: ${err}`));
    });
  });
  return { proc, report };
}

const exited = (p: ChildProcess) =>
  new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.on("exit", () => r())));

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

const tmpHome = () => mkdtempSync(path.join(os.tmpdir(), "rodent-lock-"));

describe("run lock", () => {
  it("is exclusive within a process and released after fn, also on throw", async () => {
    const home = tmpHome();
    await withRunLock(home, async () => {
      await expect(acquireRunLock(home)).rejects.toMatchObject({ code: "RODENT_ERR_LOCKED" });
    });
    expect(existsSync(path.join(home, LOCK_FILE))).toBe(false);
    await expect(
      withRunLock(home, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(existsSync(path.join(home, LOCK_FILE))).toBe(false);
  });

  it("takes over a stale lock left by a process that died holding it", async () => {
    const home = tmpHome();
    const { proc, report } = start(home, "crash");
    const r = await report;
    expect(r.ok).toBe(true);
    await exited(proc);
    // The crashed owner never released: the file is still there, naming a dead pid.
    expect(JSON.parse(readFileSync(path.join(home, LOCK_FILE), "utf8")).pid).toBe(r.pid);
    const lock = await acquireRunLock(home);
    expect(lock.tookOverFrom?.pid).toBe(r.pid);
    expect(lock.owner.pid).toBe(process.pid);
    await lock.release();
  });

  it("respects a live lock held by another process, and takes it once that process is killed", async () => {
    const home = tmpHome();
    const { proc, report } = start(home, "hold");
    const r = await report;
    expect(r.ok).toBe(true);
    try {
      await acquireRunLock(home);
      expect.unreachable();
    } catch (e) {
      expect(isRodentError(e, "RODENT_ERR_LOCKED")).toBe(true);
      expect((e as Error).message).toContain(`pid ${r.pid}`);
    }
    proc.kill("SIGKILL");
    await exited(proc);
    const lock = await acquireRunLock(home);
    expect(lock.tookOverFrom?.pid).toBe(r.pid);
    await lock.release();
  });

  it("a lock naming a reused pid (same pid, other start time) is stale", async () => {
    const home = tmpHome();
    const fake = {
      pid: process.pid,
      host: os.hostname(),
      startTicks: "1",
      token: "old",
      acquiredAt: "2020-01-01T00:00:00Z",
      purpose: "x",
    };
    writeFileSync(path.join(home, LOCK_FILE), JSON.stringify(fake));
    const lock = await acquireRunLock(home);
    expect(lock.tookOverFrom?.token).toBe("old");
    await lock.release();
  });

  it("of several processes racing for one stale lock, exactly one wins", async () => {
    const home = tmpHome();
    const dead = start(home, "crash");
    await dead.report;
    await exited(dead.proc);
    const racers = [start(home, "try"), start(home, "try"), start(home, "try")];
    const reports = await Promise.all(racers.map((x) => x.report));
    expect(reports.filter((x) => x.ok)).toHaveLength(1);
    expect(reports.filter((x) => !x.ok).every((x) => x.code === "RODENT_ERR_LOCKED")).toBe(true);
    await Promise.all(racers.map((x) => exited(x.proc)));
  });
});
