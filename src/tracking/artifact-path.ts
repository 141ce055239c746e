import fs from "node:fs/promises";
import path from "node:path";
import { RodentError } from "../errors.js";

/**
 * Normalize a run-relative artifact path to POSIX form without leading/trailing slashes ("" = run root).
 * RODENT_ERR_INVALID_ARGUMENT for absolute paths or ".." segments, which could escape the run's folder.
 */
export function normalizeArtifactPath(p: string | undefined): string {
  if (!p) return "";
  const parts = p
    .replace(/\\/g, "/")
    .split("/")
    .filter((s) => s !== "" && s !== ".");
  if (parts.includes("..")) {
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `artifact path ${JSON.stringify(p)} must not contain ".."`);
  }
  return parts.join("/");
}

export function joinArtifactPath(...parts: (string | undefined)[]): string {
  return normalizeArtifactPath(parts.filter((p) => p).join("/"));
}

/** Every regular file under `dir`, as POSIX paths relative to it, sorted. RODENT_ERR_NOT_FOUND if `dir` is missing. */
export async function walkFiles(dir: string): Promise<string[]> {
  const st = await fs.stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new RodentError("RODENT_ERR_NOT_FOUND", `local folder ${dir} does not exist`);
  const out: string[] = [];
  const walk = async (abs: string, rel: string) => {
    for (const ent of await fs.readdir(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) await walk(path.join(abs, ent.name), r);
      else if (ent.isFile()) out.push(r);
    }
  };
  await walk(dir, "");
  return out.sort();
}

/** RODENT_ERR_NOT_FOUND unless `file` is a regular file. */
export async function assertFile(file: string): Promise<void> {
  const st = await fs.stat(file).catch(() => null);
  if (!st?.isFile()) throw new RodentError("RODENT_ERR_NOT_FOUND", `local file ${file} does not exist`);
}
