import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Newest modification time of the non-test .ts files under `dir`. */
export function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Runs `npm run build` in `repo` when `output` (a file in dist/) is older than src/, one build at a time across test
 * files (flock). Async: a blocking build would starve the vitest worker for the minute tsc takes on a busy machine.
 */
export async function ensureBuilt(repo: string, output: string): Promise<void> {
  const built = existsSync(output) ? statSync(output).mtimeMs : 0;
  if (built >= newestSource(path.join(repo, "src"))) return;
  const { code, text } = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
    const p = spawn("flock", ["/tmp/rodent-build.lock", "npm", "run", "build", "--silent"], { cwd: repo });
    let text = "";
    p.stdout.on("data", (d) => {
      text += d;
    });
    p.stderr.on("data", (d) => {
      text += d;
    });
    p.on("error", reject);
    p.on("close", (c) => resolve({ code: c, text }));
  });
  if (code !== 0) throw new Error(`npm run build failed (dist/ is older than src/):\n${text}`);
}
