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

/** `rodent serve`: start the prediction service and say where to look. Runs until SIGTERM/SIGINT. */
export function register(program: Command): void {
  program
    .command("serve")
    .description("start the prediction service (REST API, /docs, /metrics) on the configured port")
    .option("--port <n>", "port (default RODENT_PORT, 8080; 0 = any free port)", port)
    .option("--host <addr>", "address to bind (default RODENT_HOST, 127.0.0.1)")
    .option("--drain-delay <ms>", "on SIGTERM, keep answering this long (readiness 503) before closing", ms, 1000)
    .option("--json", "print one JSON line with the URLs once listening")
    .action(async (o: { port?: number; host?: string; drainDelay: number; json?: boolean }) => {
      const { config, log } = context();
      // Lazy: other commands need not load Fastify and the service.
      const { startServer } = await import("../../serve/server.js");
      const srv = await startServer({ config, log, port: o.port, host: o.host, drainDelayMs: o.drainDelay });
      const s = srv.host.state;
      const top = s.champion && s.city ? s.city.set.camis[s.champion.order[0]] : null;
      const sample = top ? `${srv.url}/v1/restaurants/${top}/risk` : `${srv.url}/v1/rankings?k=5`;
      emit(
        o.json,
        {
          url: srv.url,
          docs: `${srv.url}/docs`,
          openapi: `${srv.url}/openapi.json`,
          metrics: `${srv.url}/metrics`,
          ready: srv.host.ready,
          champion: s.champion?.ref.version ?? null,
          canary: s.canary?.ref.version ?? null,
          snapshot: s.city?.id ?? null,
          sample: `curl -s '${sample}'`,
        },
        () =>
          [
            `rodent-risk serving at ${srv.url}` +
              (srv.host.ready
                ? ` (champion v${s.champion?.ref.version}${s.canary ? `, canary v${s.canary.ref.version}` : ""}, snapshot ${s.city?.id})`
                : " (not ready yet: no model or snapshot; see /health/ready)"),
            `  API docs:  ${srv.url}/docs`,
            `  try:       curl -s '${sample}'`,
            `             curl -s '${srv.url}/v1/rankings?k=10&borough=brooklyn'`,
            "  stop with Ctrl-C (drains in-flight requests)",
          ].join("\n"),
      );
      await srv.closed;
    });
}
