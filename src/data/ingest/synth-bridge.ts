import { RodentError } from "../../errors.js";
import type { Logger } from "../../util/log.js";

/** Structural copy of src/data/synth's SynthOptions (API.md), so ingest does not depend on its internals. */
export interface SynthOptionsLike {
  seed: number;
  from: string;
  to: string;
  scale: number;
  scenario: "none" | "sanitation-program" | "reporting-surge" | "heat-wave";
  scenarioStart?: string;
  dataDir: string;
}

interface SynthModule {
  DEFAULT_SYNTH: Omit<SynthOptionsLike, "dataDir">;
  writeSyntheticCity(outDir: string, opts: SynthOptionsLike, log: Logger): Promise<unknown>;
}

/** The synthetic city writer, loaded on demand (only `--source synth` needs it). */
export async function loadSynth(): Promise<SynthModule> {
  const spec = "../synth/index.js";
  try {
    return (await import(spec)) as SynthModule;
  } catch (e) {
    throw new RodentError(
      "RODENT_ERR_INTERNAL",
      `the synthetic city generator could not be loaded: ${(e as Error).message}`,
      undefined,
      {
        cause: e,
      },
    );
  }
}
