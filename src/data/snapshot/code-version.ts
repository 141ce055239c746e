import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

// src/data/snapshot/ and dist/data/snapshot/ are both three levels below the package root.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
let cached: Promise<string> | undefined;

/** "<package version>+<git short commit>" (just the version outside a git checkout, e.g. in the container). */
export function codeVersion(): Promise<string> {
  cached ??= (async () => {
    let version = "0.0.0";
    try {
      version = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")).version ?? version;
    } catch {
      /* keep the default */
    }
    try {
      const { stdout } = await promisify(execFile)("git", ["rev-parse", "--short=12", "HEAD"], {
        cwd: ROOT,
        timeout: 5000,
      });
      const commit = stdout.trim();
      if (commit) return `${version}+${commit}`;
    } catch {
      /* not a git checkout */
    }
    return version;
  })();
  return cached;
}
