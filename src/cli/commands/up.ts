import type { Command } from "commander";
import { formatPipelineSummary, loadGatePolicy, runPipelineDetailed, withRunLock } from "../../pipeline/index.js";
import { context } from "../context.js";

/**
 * `rodent up`: the README's main job. The whole CT loop on the embedded defaults (synthetic NYC unless a source
 * is given; every finished step is reused on the next run), then the service with the web page, until Ctrl-C.
 */
export function register(program: Command): void {
  program
    .command("up")
    .description("run the CT pipeline (ingest → … → promote), then serve the champion and the web page")
    .option(
      "--source <source>",
      "the deployment's source: socrata | dir:PATH | synth[:SEED] (default RODENT_SOURCE, else the champion's source, else synth:1 on an empty home)",
    )
    .option("--synth-scale <x>", "synthetic source: city scale (1 = NYC size)")
    .option("--synth-from <date>", "synthetic source: first day (YYYY-MM-DD)")
    .option("--synth-to <date>", "synthetic source: last day (YYYY-MM-DD)")
    .option("--port <n>", "port (default RODENT_PORT, 8080)")
    .option("--json", "print one JSON line (the pipeline result and the URLs) once the service listens")
    .action(
      async (o: {
        source?: string;
        synthScale?: string;
        synthFrom?: string;
        synthTo?: string;
        port?: string;
        json?: boolean;
      }) => {
        const { config, log } = context();
        const synth: Record<string, unknown> = {};
        if (o.synthScale !== undefined) synth.scale = Number(o.synthScale);
        if (o.synthFrom) synth.from = o.synthFrom;
        if (o.synthTo) synth.to = o.synthTo;
        const { result, details } = await withRunLock(config.home, () =>
          runPipelineDetailed({
            config,
            log,
            source: o.source,
            policy: loadGatePolicy(),
            synth: Object.keys(synth).length ? synth : undefined,
          }),
        );
        if (!o.json) process.stdout.write(`${formatPipelineSummary(result, details)}\n\n`);
        const { startServer } = await import("../../serve/index.js");
        const srv = await startServer({ config, log, port: o.port === undefined ? undefined : Number(o.port) });
        const s = srv.host.state;
        const top = s.champion && s.city ? s.city.set.camis[s.champion.order[0]] : null;
        if (o.json)
          process.stdout.write(
            `${JSON.stringify({ pipeline: result, url: `${srv.url}/`, docs: `${srv.url}/docs`, champion: s.champion?.ref.version ?? null, snapshot: s.city?.id ?? null })}\n`,
          );
        else
          process.stdout.write(
            [
              `rodent-risk is up: champion v${s.champion?.ref.version ?? "?"} on snapshot ${s.city?.id ?? "?"}`,
              `  web page:  ${srv.url}/`,
              `  API docs:  ${srv.url}/docs`,
              `  try:       curl -s '${srv.url}/v1/rankings?k=10&borough=brooklyn'`,
              top ? `             curl -s '${srv.url}/v1/restaurants/${top}/risk'` : "",
              "  stop with Ctrl-C",
            ]
              .filter(Boolean)
              .join("\n") + "\n",
          );
        await srv.closed;
      },
    );
}
