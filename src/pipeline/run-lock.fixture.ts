// Test helper process for run-lock.test.ts: takes the lock of argv[2], reports on stdout, then
// "crash" (exit without releasing) or "hold" (keep it until killed) or "try" (hold briefly, release).
import { acquireRunLock } from "./run-lock.js";

const [home, mode] = process.argv.slice(2);
try {
  const lock = await acquireRunLock(home!, `fixture ${mode}`);
  process.stdout.write(`${JSON.stringify({ ok: true, pid: process.pid, tookOver: lock.tookOverFrom?.pid ?? null })}\n`);
  if (mode === "crash") process.exit(0);
  if (mode === "hold") setInterval(() => {}, 1000);
  if (mode === "try") setTimeout(() => lock.release().then(() => process.exit(0)), 1500);
} catch (e) {
  process.stdout.write(`${JSON.stringify({ ok: false, pid: process.pid, code: (e as { code?: string }).code })}\n`);
  process.exit(0);
}
