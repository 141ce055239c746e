import type { Command } from "commander";
import {
  collect,
  DEFAULT_CRON,
  loadGatePolicy,
  nextRuns,
  parseAssignments,
  runPipeline,
  runTick,
  SCHEDULE_TIME_ZONE,
  startSchedule,
  type TickOutcome,
} from "../../pipeline/index.js";
import { context } from "../context.js";

/** `rodent schedule`: the pipeline weekly, in-process, never two runs at once (the RODENT_HOME run lock). */
export function register(program: Command): void {
  program
    .command("schedule")
    .description(`run the pipeline on a cron schedule in ${SCHEDULE_TIME_ZONE} time (single machine)`)
    .option("--cron <expr>", "cron expression (5 or 6 fields)", DEFAULT_CRON)
    .option("--once", "run one scheduled run now (under the lock) and exit")
    .option(
      "--source <source>",
      "the deployment's source: socrata | dir:PATH | synth[:SEED] (default RODENT_SOURCE, else the champion's source, else synth:1 on an empty home)",
    )
    .option("--param <name=value>", "training parameter override (repeatable)", collect, [])
    .option("--gates <file>", "gate policy file (YAML or JSON)")
    .option("--json", "one JSON line per run on stdout (NDJSON)")
    .action(
      async (o: { cron: string; once?: boolean; source?: string; param: string[]; gates?: string; json?: boolean }) => {
        const { config, log } = context();
        const params = parseAssignments(o.param);
        const policy = loadGatePolicy(o.gates);
        const upcoming = nextRuns(o.cron, 3); // validates the expression
        const job = () => runPipeline({ config, log, source: o.source, params, policy });
        const report = (t: TickOutcome) => {
          const line = { at: new Date().toISOString(), ...t, next: nextRuns(o.cron, 1)[0]?.toISOString() ?? null };
          process.stdout.write(
            `${o.json ? JSON.stringify(line) : `${line.at} ${t.status}${t.status === "ran" ? ` ${JSON.stringify(t.result)}` : t.status === "failed" ? `: ${t.error}` : ""}; next ${line.next}`}\n`,
          );
        };
        if (o.once) {
          const t = await runTick(config.home, job, log);
          report(t);
          if (t.status === "failed") process.exitCode = 1;
          return;
        }
        const s = startSchedule({ cron: o.cron, home: config.home, log, job, onTick: report });
        log.info(
          { cron: o.cron, timezone: SCHEDULE_TIME_ZONE, next: upcoming.map((d) => d.toISOString()) },
          "scheduled",
        );
        await new Promise<void>((resolve) => {
          const stop = () => {
            s.stop();
            resolve();
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
      },
    );
}
