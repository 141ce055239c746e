import type { Command } from "commander";
import { z } from "zod";
import { DEFAULT_SYNTH, parseScenario, SCENARIOS, writeSyntheticCity } from "../../data/index.js";
import { RodentError } from "../../errors.js";
import { context, emit } from "../context.js";

const Opts = z.object({
  out: z.string().min(1),
  seed: z.coerce.number().int().min(0).max(0xffffffff),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  scale: z.coerce.number().positive().max(100),
  scenario: z.string().refine(
    (v) => {
      try {
        parseScenario(v);
        return true;
      } catch {
        return false;
      }
    },
    { message: `expected ${SCENARIOS.join("|")}, pressure:BOROUGH:±PCT[:rampWEEKS] or reporting:FACTOR` },
  ),
  scenarioStart: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  program
    .command("synth")
    .description("write a synthetic NYC (inspections, 311 rat sightings, weather, truth) in the real export formats")
    .requiredOption("--out <dir>", "output folder (gets inspections/, rat-sightings/, weather/, truth/)")
    .option("--seed <n>", "random seed; the same seed gives byte-identical files", String(DEFAULT_SYNTH.seed))
    .option("--from <date>", "first simulated day YYYY-MM-DD", DEFAULT_SYNTH.from)
    .option("--to <date>", "last simulated day YYYY-MM-DD", DEFAULT_SYNTH.to)
    .option("--scale <x>", "multiplies restaurants and sightings (1 ≈ 27,000 restaurants)", String(DEFAULT_SYNTH.scale))
    .option(
      "--scenario <name>",
      `injected change: ${SCENARIOS.join("|")}, pressure:BOROUGH:±PCT[:rampWEEKS] (e.g. pressure:queens:-30:ramp8) or reporting:FACTOR`,
      DEFAULT_SYNTH.scenario,
    )
    .option("--scenario-start <date>", "when the scenario starts (default: two thirds into the range)")
    .option("--json", "print one JSON document on stdout")
    .action(async (raw: Record<string, unknown>) => {
      const parsed = Opts.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = String(issue.path[0] ?? "option");
        throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `--${kebab(field)}: ${issue.message}`, { field });
      }
      const o = parsed.data;
      const { config, log } = context();
      const s = await writeSyntheticCity(
        o.out,
        {
          seed: o.seed,
          from: o.from,
          to: o.to,
          scale: o.scale,
          scenario: o.scenario,
          scenarioStart: o.scenarioStart,
          dataDir: config.dataDir,
        },
        log,
      );
      emit(
        o.json,
        {
          out: s.outDir,
          seed: s.seed,
          from: s.from,
          to: s.to,
          scale: s.scale,
          scenario: s.scenario,
          scenario_start: s.scenarioStart,
          files: s.files,
          counts: s.counts,
          elapsed_ms: s.elapsedMs,
        },
        () =>
          [
            `synthetic NYC written to ${s.outDir} (seed ${s.seed}, ${s.from}..${s.to}, scale ${s.scale}, scenario ${s.scenario}` +
              (s.scenario === "none" ? ")" : ` from ${s.scenarioStart})`),
            ...s.files.map(
              (f) => `  ${f.path.padEnd(36)} ${String(f.rows).padStart(10)} rows  sha256 ${f.sha256.slice(0, 16)}…`,
            ),
            `  restaurants ${s.counts.restaurants} (active at end ${s.counts.activeAtEnd}), inspections ${s.counts.inspections}, ` +
              `rodent rate ${(100 * s.counts.rodentRate).toFixed(1)}%, sightings ${s.counts.ratSightings}, ${(s.elapsedMs / 1000).toFixed(1)} s`,
          ].join("\n"),
      );
    });
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
