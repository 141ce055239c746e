import path from "node:path";
import { RodentError } from "../../errors.js";

export type SourceSpec = { kind: "socrata" } | { kind: "dir"; path: string } | { kind: "synth"; seed?: number };

/** "socrata" | "dir:PATH" | "synth" | "synth:SEED" (PATH relative to the working directory). */
export function parseSource(s: string): SourceSpec {
  if (s === "socrata") return { kind: "socrata" };
  if (s.startsWith("dir:") && s.length > 4) return { kind: "dir", path: s.slice(4) };
  if (s === "synth") return { kind: "synth" };
  const m = /^synth:(\d+)$/.exec(s);
  if (m) return { kind: "synth", seed: Number(m[1]) };
  throw new RodentError(
    "RODENT_ERR_INVALID_ARGUMENT",
    `--source ${JSON.stringify(s)}: expected socrata, dir:PATH, synth or synth:SEED`,
    { argument: "source" },
  );
}

/**
 * One spelling per source, so that "the champion's source" and "the deployment's source" compare as strings:
 * synth → synth:SEED (the seed a plain `synth` gets, 1 unless the synthetic options say otherwise),
 * dir:PATH → dir:ABSOLUTE_PATH (resolved against cwd), socrata as is. Throws like parseSource on anything else.
 */
export function canonicalSource(s: string, opts: { cwd?: string; synthSeed?: number } = {}): string {
  const spec = parseSource(s);
  if (spec.kind === "synth") return `synth:${spec.seed ?? opts.synthSeed ?? 1}`;
  if (spec.kind === "dir") return `dir:${path.resolve(opts.cwd ?? process.cwd(), spec.path)}`;
  return "socrata";
}
