import { readFileSync } from "node:fs";
import os from "node:os";

// Is the process that wrote a lock, a run or a temp folder still running? Shared by the pipeline's run lock,
// tracking's crash recovery and the ingest's temp folders (dependencies point one way: util is below them all).

export interface ProcessOwner {
  pid: number;
  host: string;
  /** /proc start time of the owner (Linux), to tell a reused pid from the owner. */
  startTicks: string | null;
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), or null off Linux. */
export function procStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime) counted after the ")" that closes the command name, which may hold spaces.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** This process, as an owner. */
export function currentOwner(): ProcessOwner {
  return { pid: process.pid, host: os.hostname(), startTicks: procStartTicks(process.pid) };
}

/** A zombie: exited, not yet reaped (a container whose PID 1 does not reap orphans keeps them for good). */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}

/** Is this owner still running? An owner on another host can't be checked, so it counts as alive. */
export function ownerAlive(o: ProcessOwner): boolean {
  if (o.host !== os.hostname()) return true;
  if (!pidAlive(o.pid) || zombie(o.pid)) return false;
  const now = procStartTicks(o.pid);
  return !(o.startTicks && now && now !== o.startTicks);
}
