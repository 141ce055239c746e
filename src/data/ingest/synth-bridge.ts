import type { Logger } from "../../util/log.js";
import { DEFAULT_SYNTH, type SynthOptions, type SynthSummary, writeSyntheticCity } from "../synth/index.js";

export type { SynthOptions };

/** Write the synthetic city for `--source synth[:SEED]`: DEFAULT_SYNTH, then overrides, then the seed from the source. */
export function writeSynth(
  outDir: string,
  dataDir: string,
  overrides: Partial<SynthOptions> | undefined,
  seed: number | undefined,
  log: Logger,
): Promise<SynthSummary> {
  const opts: SynthOptions = { ...DEFAULT_SYNTH, dataDir, ...overrides, ...(seed !== undefined ? { seed } : {}) };
  log.info({ synth: opts }, "writing the synthetic city");
  return writeSyntheticCity(outDir, opts, log);
}
