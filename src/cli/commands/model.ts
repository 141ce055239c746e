import type { Command } from "commander";
import { RodentError } from "../../errors.js";
import { MODEL_NAME, openPipelineContext } from "../../pipeline/index.js";
import { context, emit } from "../context.js";

/** `rodent model show [ALIAS|VERSION]` and `rodent model list`: what the registry holds. */
export function register(program: Command): void {
  const cmd = program.command("model").description("registered model versions and aliases");
  cmd
    .command("show")
    .description("a version's record: name, version, aliases, run, metrics, tags")
    .argument("[ref]", "alias or version number", "champion")
    .option("--json", "print one JSON document on stdout")
    .action(async (ref: string, o: { json?: boolean }) => {
      const { config, log } = context();
      const ctx = await openPipelineContext(config, log);
      try {
        await ctx.registry.createRegisteredModel(MODEL_NAME);
        const mv = /^\d+$/.test(ref)
          ? await ctx.registry.getModelVersion(MODEL_NAME, ref)
          : await ctx.registry.getAlias(MODEL_NAME, ref);
        if (!mv) throw new RodentError("RODENT_ERR_NOT_FOUND", `alias ${ref} of ${MODEL_NAME} is not set`);
        const run = await ctx.tracker.getRun(mv.runId);
        const doc = {
          name: mv.name,
          version: mv.version,
          aliases: mv.aliases,
          run: mv.runId,
          source: mv.source,
          created_at: mv.createdAt,
          tags: mv.tags,
          metrics: run.metrics,
        };
        emit(o.json, doc, () => {
          const m = run.metrics;
          const n = (k: string, d = 3) => (typeof m[k] === "number" ? m[k].toFixed(d) : "–");
          return [
            `${mv.name} version ${mv.version}${mv.aliases.length ? ` [${mv.aliases.join(", ")}]` : ""}`,
            `run ${mv.runId}, snapshot ${mv.tags["rodent.snapshot_id"] ?? "?"}, created ${mv.createdAt}`,
            `gate ${mv.tags["rodent.gate"] ?? "?"}: ${mv.tags["rodent.gate_reasons"] ?? ""}`,
            `test AUC ${n("test_auc")}, lift@10% ${n("test_lift_at_10", 2)}, ECE ${n("test_ece", 4)}; oracle AUC ${n("oracle_auc")}`,
          ].join("\n");
        });
      } finally {
        await ctx.close();
      }
    });
  cmd
    .command("list")
    .description("every version with its aliases and gate decision")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: { json?: boolean }) => {
      const { config, log } = context();
      const ctx = await openPipelineContext(config, log);
      try {
        await ctx.registry.createRegisteredModel(MODEL_NAME);
        const versions = await ctx.registry.listModelVersions(MODEL_NAME);
        const rows = versions.map((v) => ({
          version: v.version,
          aliases: v.aliases,
          run: v.runId,
          gate: v.tags["rodent.gate"] ?? null,
          snapshot: v.tags["rodent.snapshot_id"] ?? null,
          created_at: v.createdAt,
        }));
        emit(o.json, { name: MODEL_NAME, versions: rows }, () =>
          rows.length
            ? rows
                .map((r) => `v${r.version}  ${r.gate ?? "?"}  ${r.snapshot ?? ""}  ${r.run}  ${r.aliases.join(",")}`)
                .join("\n")
            : "no versions registered yet",
        );
      } finally {
        await ctx.close();
      }
    });
}
