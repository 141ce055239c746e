import type { Command } from "commander";
import { RodentError } from "../../errors.js";
import { context, emit } from "../context.js";

/** `rodent canary status`: champion vs canary as a running service sees them (its /metrics). */
export function register(program: Command): void {
  const canary = program.command("canary").description("inspect the champion/canary split of a running service");
  canary
    .command("status")
    .description("compare champion and canary: 5xx rate, latency p50/p99, served-score shift (PSI)")
    .option("--url <url>", "base URL of the service (default http://RODENT_HOST:RODENT_PORT)")
    .option("--json", "one JSON document on stdout")
    .action(async (o: { url?: string; json?: boolean }) => {
      const { config } = context();
      const base = (o.url ?? `http://${config.serve.host}:${config.serve.port}`).replace(/\/+$/, "");
      let text: string;
      try {
        const r = await fetch(`${base}/metrics`);
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        text = await r.text();
      } catch (e) {
        throw new RodentError(
          "RODENT_ERR_INVALID_ARGUMENT",
          `--url: cannot read ${base}/metrics (${(e as Error).message})`,
          {
            field: "--url",
          },
        );
      }
      const { compareFromMetrics } = await import("../../serve/index.js");
      const st = compareFromMetrics(text);
      const fmt = (v: number | null, unit = "") => (v === null ? "–" : `${v.toFixed(4)}${unit}`);
      emit(o.json, { url: base, ...st }, () => {
        if (st.verdict === "no-canary")
          return `no canary is serving at ${base} (champion v${st.champion?.version ?? "?"})`;
        const row = (label: string, s: typeof st.champion) =>
          `${label.padEnd(9)} v${s?.version.padEnd(5)} requests ${String(s?.requests).padStart(8)}  5xx ${fmt(s?.errorRate ?? null)}  p50 ${fmt(s?.p50 ?? null, "s")}  p99 ${fmt(s?.p99 ?? null, "s")}  mean score ${fmt(s?.meanScore ?? null)}`;
        return [
          row("champion", st.champion),
          row("canary", st.canary),
          `canary share ${st.canaryShare}; score PSI ${fmt(st.scorePsi)} (${st.scoreShift ?? "–"}); verdict: ${st.verdict}`,
          ...st.reasons.map((r) => `  - ${r}`),
        ].join("\n");
      });
    });
}
