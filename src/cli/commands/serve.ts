import type { Command } from "commander";
import { RodentError } from "../../errors.js";
import { context, emit } from "../context.js";

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `--port: expected 0–65535 (got ${JSON.stringify(v)})`);
  }
  return n;
}

function ms(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 600_000) {
    throw new RodentError(
      "RODENT_ERR_INVALID_ARGUMENT",
      `--drain-delay: expected 0–600000 ms (got ${JSON.stringify(v)})`,
    );
  }
  return n;
}

/** --workers / RODENT_WORKERS: a count, or "auto" for the cores within the container's CPU limit. */
function workers(v: string): number | "auto" {
  if (v === "auto") return "auto";
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new RodentError(
      "RODENT_ERR_INVALID_ARGUMENT",
      `--workers: expected 1–256 or "auto" (got ${JSON.stringify(v)})`,
    );
  }
  return n;
}

/** `rodent serve`: start the prediction service and say where to look. Runs until SIGTERM/SIGINT. */
export function register(program: Command): void {
  program
    .command("serve")
    .description("start the prediction service (REST API, /docs, /metrics) on the configured port")
    .option("--port <n>", "port (default RODENT_PORT, 8080; 0 = any free port)", port)
    .option("--host <addr>", "address to bind (default RODENT_HOST, 127.0.0.1)")
    .option("--drain-delay <ms>", "on SIGTERM, keep answering this long (readiness 503) before closing", ms, 1000)
    .option(
      "--workers <n>",
      'processes behind the one port, or "auto" = the cores within the container\'s CPU limit (default RODENT_WORKERS, else 1)',
      workers,
    )
    .option("--json", "print one JSON line with the URLs once listening")
    .action(
      async (o: { port?: number; host?: string; drainDelay: number; workers?: number | "auto"; json?: boolean }) => {
        const { config, log } = context();
        // Lazy: other commands need not load Fastify and the service.
        const { defaultWorkers, isClusterWorker, runPrimary } = await import("../../serve/cluster.js");
        const env = process.env.RODENT_WORKERS;
        // One process unless asked: see docs/serving.md for why "auto" is not yet the default (SIGTERM drain).
        const asked = o.workers ?? (env ? workers(env) : 1);
        const n = asked === "auto" ? defaultWorkers() : asked;
        let info: {
          url: string;
          ready: boolean;
          champion: string | null;
          canary: string | null;
          snapshot: string | null;
          top: string | null;
        };
        let closed: Promise<void>;
        if (n > 1 && !isClusterWorker()) {
          // The primary: forks the workers (each re-runs this command), coordinates them, holds no model.
          const primary = runPrimary({ workers: n, log, pollSeconds: config.serve.pollSeconds });
          const onSignal = (sig: NodeJS.Signals) => {
            log.info({ signal: sig, workers: n }, "shutdown requested; draining every worker");
            primary.close();
          };
          process.once("SIGTERM", onSignal);
          process.once("SIGINT", onSignal);
          info = await primary.ready;
          closed = primary.closed;
        } else {
          const { startServer } = await import("../../serve/server.js");
          const srv = await startServer({ config, log, port: o.port, host: o.host, drainDelayMs: o.drainDelay });
          const s = srv.host.state;
          info = {
            url: srv.url,
            ready: srv.host.ready,
            champion: s.champion?.ref.version ?? null,
            canary: s.canary?.ref.version ?? null,
            snapshot: s.city?.id ?? null,
            top: s.champion && s.city ? s.city.set.camis[s.champion.order[0]] : null,
          };
          closed = srv.closed;
          // A worker says nothing on stdout: the primary prints once for all.
          if (isClusterWorker()) return void (await closed);
        }
        const srv = { url: info.url };
        const top = info.top;
        const sample = top ? `${srv.url}/v1/restaurants/${top}/risk` : `${srv.url}/v1/rankings?k=5`;
        emit(
          o.json,
          {
            url: srv.url,
            docs: `${srv.url}/docs`,
            openapi: `${srv.url}/openapi.json`,
            metrics: `${srv.url}/metrics`,
            ready: info.ready,
            champion: info.champion,
            canary: info.canary,
            snapshot: info.snapshot,
            workers: n,
            sample: `curl -s '${sample}'`,
          },
          () =>
            [
              `rodent-risk serving at ${srv.url}` +
                (n > 1 ? ` with ${n} workers` : "") +
                (info.ready
                  ? ` (champion v${info.champion}${info.canary ? `, canary v${info.canary}` : ""}, snapshot ${info.snapshot})`
                  : " (not ready yet: no model or snapshot; see /health/ready)"),
              `  API docs:  ${srv.url}/docs`,
              `  try:       curl -s '${sample}'`,
              `             curl -s '${srv.url}/v1/rankings?k=10&borough=brooklyn'`,
              "  stop with Ctrl-C (drains in-flight requests)",
            ].join("\n"),
        );
        await closed;
      },
    );
}
