import type { Command } from "commander";
import {
  collect,
  formatPipelineSummary,
  loadGatePolicy,
  PipelineFailure,
  parseAssignments,
  runPipelineDetailed,
  withRunLock,
} from "../../pipeline/index.js";
import { context, emit } from "../context.js";

interface Opts {
  source?: string;
  allowSourceChange?: boolean;
  param: string[];
  force?: boolean;
  promote: boolean;
  gates?: string;
  synthScale?: string;
  synthFrom?: string;
  synthTo?: string;
  json?: boolean;
}

/** `rodent pipeline run`: the whole CT loop under the run lock, ending with a champion and a summary. */
export function register(program: Command): void {
  const cmd = program.command("pipeline").description("the continuous-training loop");
  cmd
    .command("run")
    .description("ingest → validate → features → train → evaluate → register → promote (each step reused when done)")
    .option(
      "--source <source>",
      "the deployment's source: socrata | dir:PATH | synth[:SEED] (default RODENT_SOURCE, else the champion's source, else synth:1 on an empty home)",
    )
    .option("--allow-source-change", "train on another source than the champion's and let it replace the champion")
    .option("--param <name=value>", "training parameter override (repeatable)", collect, [])
    .option("--force", "rerun every step even when its outputs exist")
    .option("--no-promote", "stop after register: a passing candidate stays challenger")
    .option("--gates <file>", "gate policy file (YAML or JSON); defaults in README 'Gates'")
    .option("--synth-scale <x>", "synthetic source: city scale (1 = NYC size)")
    .option("--synth-from <date>", "synthetic source: first day (YYYY-MM-DD)")
    .option("--synth-to <date>", "synthetic source: last day (YYYY-MM-DD)")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: Opts) => {
      const { config, log } = context();
      const params = parseAssignments(o.param);
      const policy = loadGatePolicy(o.gates);
      const synth: Record<string, unknown> = {};
      if (o.synthScale !== undefined) synth.scale = Number(o.synthScale);
      if (o.synthFrom) synth.from = o.synthFrom;
      if (o.synthTo) synth.to = o.synthTo;
      try {
        const { result, details } = await withRunLock(config.home, () =>
          runPipelineDetailed({
            config,
            log,
            source: o.source,
            allowSourceChange: o.allowSourceChange,
            params,
            force: o.force,
            promote: o.promote,
            policy,
            synth: Object.keys(synth).length ? synth : undefined,
          }),
        );
        emit(o.json, result, () => formatPipelineSummary(result, details));
      } catch (e) {
        // Print which step failed (the documented document), then let the top-level catch report the error.
        if (e instanceof PipelineFailure)
          emit(o.json, e.result, () => formatPipelineSummary(e.result, e.pipelineDetails));
        throw e;
      }
    });
}
