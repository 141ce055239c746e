import type { Command } from "commander";
import { evaluateStep, loadGatePolicy, openPipelineContext, registerStep } from "../../pipeline/index.js";
import { context, emit } from "../context.js";

/** `rodent register --run RUN`: gate the run against the champion, register it with the decision as tags. */
export function register(program: Command): void {
  program
    .command("register")
    .description("register a training run as a model version (challenger if it passes the gate; tagged either way)")
    .requiredOption("--run <run>", "training run id")
    .option("--gates <file>", "gate policy file (YAML or JSON)")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: { run: string; gates?: string; json?: boolean }) => {
      const { config, log } = context();
      const ctx = await openPipelineContext(config, log);
      try {
        const ev = await evaluateStep(ctx, { candidate: o.run, against: "champion", policy: loadGatePolicy(o.gates) });
        const r = await registerStep(ctx, { run: o.run, gate: ev.output.gate });
        const out = { ...r.output, status: r.status };
        emit(o.json, out, () =>
          [
            `${r.status === "ran" ? "registered" : "already registered as"} ${out.name} version ${out.version} (run ${out.run})`,
            `gate ${out.gate.passed ? "passed" : "refused"}: ${out.gate.reasons.join("; ")}`,
            out.alias ? `alias: ${out.alias}` : "no alias",
          ].join("\n"),
        );
      } finally {
        await ctx.close();
      }
    });
}
