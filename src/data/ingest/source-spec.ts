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
