import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The code version that keys step outputs and tags runs (mlflow.source.git.commit): the git commit of the
// package when it is a checkout, else the package version (a container built from a release).

function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

let cached: { version: string; gitCommit: string | null } | undefined;

export function codeVersion(): { version: string; gitCommit: string | null } {
  if (cached) return cached;
  const root = packageRoot();
  let pkgVersion = "0.0.0";
  try {
    pkgVersion = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version ?? pkgVersion;
  } catch {
    /* no package.json: keep the placeholder */
  }
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    gitCommit = null;
  }
  cached = { version: gitCommit ? `${pkgVersion}+${gitCommit.slice(0, 12)}` : pkgVersion, gitCommit };
  return cached;
}

/**
 * Who runs the step, for the runs' `mlflow.user` tag (MLflow's own client sets it from the login name). A container
 * user without a passwd entry (an arbitrary uid on OpenShift, say) is named by its uid.
 */
export function runUser(): string {
  try {
    const name = os.userInfo().username;
    if (name) return name;
  } catch {
    /* no passwd entry for this uid */
  }
  return typeof process.getuid === "function" ? `uid-${process.getuid()}` : "unknown";
}
