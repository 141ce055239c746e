import type { Command } from "commander";
import { evaluateStep, formatEvaluation, loadGatePolicy, openPipelineContext } from "../../pipeline/index.js";
import { context, emit } from "../context.js";

/** `rodent evaluate --candidate V|RUN --against champion`: both on the candidate snapshot's test window, gated. */
export function register(program: Command): void {
  program
    .command("evaluate")
    .description(
      "score a candidate and the champion on the same held-out window and apply the gate (exit 3 if refused)",
    )
    .requiredOption("--candidate <version|run>", "model version number or training run id")
    .option("--against <alias|version>", "what to compare with", "champion")
    .option("--gates <file>", "gate policy file (YAML or JSON)")
    .option("--force", "re-evaluate even when this comparison was made before")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: { candidate: string; against: string; gates?: string; force?: boolean; json?: boolean }) => {
      const { config, log } = context();
      const policy = loadGatePolicy(o.gates);
      const ctx = await openPipelineContext(config, log, { force: o.force });
      try {
        const r = await evaluateStep(ctx, { candidate: o.candidate, against: o.against, policy });
        emit(o.json, r.output, () => formatEvaluation(r.output));
        if (!r.output.gate.passed) process.exitCode = 3;
      } finally {
        await ctx.close();
      }
    });
}
