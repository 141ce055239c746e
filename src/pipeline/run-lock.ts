import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { RodentError } from "../errors.js";
import { ownerAlive, procStartTicks } from "../util/process-owner.js";

export { ownerAlive };

// One pipeline run at a time per RODENT_HOME. The lock is a file created with O_EXCL, holding the owner's
// pid, host and process start time. It survives a crash (nothing cleans it up), so the next run checks the
// owner: a dead process (or a pid since reused by another process) means stale, and the lock is taken over.
// Takeover itself is serialized by a mkdir mutex, so two runs finding the same stale lock can't both win.

export const LOCK_FILE = "pipeline.lock";

export interface LockOwner {
  pid: number;
  host: string;
  /** /proc start time of the owner (Linux), to tell a reused pid from the owner. */
  startTicks: string | null;
  token: string;
  acquiredAt: string;
  purpose: string;
}

async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as LockOwner;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    // Half-written by a writer that died between open and write: treat as stale garbage.
    return { pid: -1, host: os.hostname(), startTicks: null, token: "corrupt", acquiredAt: "", purpose: "" };
  }
}

async function tryCreate(file: string, owner: LockOwner): Promise<boolean> {
  // Write the full content to a temp file, then hard-link it into place: link fails if the lock exists,
  // and readers never see a half-written lock.
  const tmp = `${file}.${owner.token}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(owner));
  try {
    await fs.link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

async function withTakeoverMutex<T>(file: string, fn: () => Promise<T>): Promise<T | null> {
  const dir = `${file}.takeover`;
  try {
    await fs.mkdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    // A takeover takes milliseconds; one older than 30 s was abandoned by a crash.
    const st = await fs.stat(dir).catch(() => null);
    if (st && Date.now() - st.mtimeMs > 30_000) await fs.rm(dir, { recursive: true, force: true });
    return null;
  }
  try {
    return await fn();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export interface HeldLock {
  owner: LockOwner;
  /** The stale owner this lock replaced, if any. */
  tookOverFrom: LockOwner | null;
  release(): Promise<void>;
}

/** Take the lock or throw RODENT_ERR_LOCKED naming the live owner. */
export async function acquireRunLock(home: string, purpose = "pipeline run"): Promise<HeldLock> {
  await fs.mkdir(home, { recursive: true });
  const file = path.join(home, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    startTicks: procStartTicks(process.pid),
    token: randomUUID(),
    acquiredAt: new Date().toISOString(),
    purpose,
  };
  let tookOverFrom: LockOwner | null = null;
  for (let attempt = 0; attempt < 20; attempt++) {
    if (await tryCreate(file, owner)) {
      return {
        owner,
        tookOverFrom,
        release: async () => {
          // Remove only our own lock (never a successor's after a takeover of us).
          const cur = await readOwner(file);
          if (cur?.token === owner.token) await fs.rm(file, { force: true });
        },
      };
    }
    const cur = await readOwner(file);
    if (cur === null) continue; // released meanwhile: try again
    if (ownerAlive(cur)) {
      throw new RodentError(
        "RODENT_ERR_LOCKED",
        `${file} is held by pid ${cur.pid} on ${cur.host} (${cur.purpose}, since ${cur.acquiredAt})`,
        { file, owner: cur },
      );
    }
    const removed = await withTakeoverMutex(file, async () => {
      // Re-read under the mutex: remove only the very stale lock we judged, not a fresh successor.
      const again = await readOwner(file);
      if (again && again.token === cur.token) {
        await fs.rm(file, { force: true });
        return true;
      }
      return false;
    });
    if (removed) tookOverFrom = cur;
    else await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
  }
  throw new RodentError("RODENT_ERR_LOCKED", `${file}: could not take the lock after repeated takeover races`, {
    file,
  });
}

/** Run fn while holding the run lock of `home`; released afterwards, also when fn throws. */
export async function withRunLock<T>(home: string, fn: (lock: HeldLock) => Promise<T>, purpose?: string): Promise<T> {
  const lock = await acquireRunLock(home, purpose);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
