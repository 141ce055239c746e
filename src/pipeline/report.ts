import type { DaysEarlier, EvalMetrics } from "../model/index.js";
import type { AppliedPlan } from "./promotion.js";
import type { PipelineDetails, PipelineResult } from "./run.js";
import type { EvaluationOutput } from "./steps/evaluate.js";
import type { TrainReport } from "./steps/train.js";

// Readable tables for the terminal (without --json). The numbers are the same as in the JSON documents.

const f = (x: number | undefined, d = 3) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(d) : "–");

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ");
  return [line(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

interface Scores {
  auc: number;
  pr_auc?: number;
  brier?: number;
  ece?: number;
  lift_at: Record<string, number>;
  precision_at?: Record<string, number>;
}
const row = (name: string, m: Scores) => [
  name,
  f(m.auc),
  f(m.pr_auc),
  f(m.brier, 4),
  f(m.ece, 4),
  f(m.precision_at?.["10"]),
  f(m.lift_at["5"], 2),
  f(m.lift_at["10"], 2),
  f(m.lift_at["20"], 2),
];
const HEAD = ["", "AUC", "PR-AUC", "Brier", "ECE", "prec@10%", "lift@5%", "lift@10%", "lift@20%"];

function boroughTable(m: EvalMetrics, other?: EvalMetrics | null): string {
  const rows = Object.entries(m.by_borough).map(([b, s]) => [
    b,
    String(s.n),
    String(s.positives),
    f(s.auc),
    ...(other ? [f(other.by_borough[b]?.auc)] : []),
    f(s.lift_at["10"], 2),
    ...(other ? [f(other.by_borough[b]?.lift_at["10"], 2)] : []),
  ]);
  const head = other
    ? ["borough", "n", "positives", "AUC", "champion AUC", "lift@10%", "champion lift@10%"]
    : ["borough", "n", "positives", "AUC", "lift@10%"];
  return table(head, rows);
}

/** Days earlier (the Chicago measure) of each ranking, one row each, with the model/oracle ratio. */
function daysTable(rows: [string, DaysEarlier | undefined][]): string {
  const body = rows
    .filter((r): r is [string, DaysEarlier] => r[1] !== undefined)
    .map(([name, d]) => [
      name,
      f(d.mean, 1),
      f(d.median, 1),
      f(d.sd, 1),
      f(d.later, 0),
      `${f(100 * d.first_half_share, 1)}%`,
    ]);
  const pos = rows.find((r) => r[1])?.[1]?.positives;
  return [
    `days earlier: the window's inspection dates handed out in score order (${pos ?? 0} positives; the schedule's own order = 0)`,
    table(["", "mean", "median", "sd", "later", "positives in 1st half"], body),
  ].join("\n");
}

export function formatTrainReport(r: TrainReport): string {
  const w = r.windows;
  const rows = [row("model", r.test), ...Object.entries(r.baselines).map(([n, m]) => row(n, m))];
  if (r.oracle) rows.push(row(`oracle (${(100 * r.oracle.coverage).toFixed(0)}% of rows)`, r.oracle));
  return [
    `run ${r.run} on snapshot ${r.snapshot} (feature schema ${r.feature_schema_version})`,
    `train ${w.train.rows} rows ${w.train.from}..${w.train.to} | valid ${w.valid.rows} rows ${w.valid.from}..${w.valid.to} | test ${w.test.rows} rows (${w.test.positives} positive) ${w.test.from}..${w.test.to}`,
    "",
    table(HEAD, rows),
    "",
    daysTable([
      ["model", r.test.days_earlier],
      ...Object.entries(r.baselines).map(([n, m]): [string, DaysEarlier] => [n, m.days_earlier]),
      ["oracle", r.oracle?.days_earlier],
    ]),
    ...(r.oracle
      ? [`model / oracle days earlier: ${f(r.test.days_earlier.mean / r.oracle.days_earlier.mean, 3)}`]
      : []),
    "",
    `calibration: ${r.calibration.method}${
      r.calibration.selection
        ? ` (chosen on ${r.calibration.selection.rows} validation rows; out-of-fold Brier / ECE: ${Object.entries(
            r.calibration.selection.candidates,
          )
            .map(([m, c]) => `${m} ${f(c.brier, 5)} / ${f(c.ece, 4)}`)
            .join(", ")})`
        : ""
    }`,
    "",
    boroughTable(r.test),
  ].join("\n");
}

export function formatEvaluation(e: EvaluationOutput): string {
  const rows = [
    row(`candidate ${e.candidate.version ? `v${e.candidate.version}` : e.candidate.run}`, e.metrics.candidate),
  ];
  if (e.metrics.champion && e.champion) rows.push(row(`champion v${e.champion.version}`, e.metrics.champion));
  const checks = e.gate.checks.map((c) => [
    c.name,
    c.scope,
    f(c.candidate, 4),
    `${c.comparison} ${f(c.threshold, 4)}`,
    c.champion === undefined ? "" : f(c.champion, 4),
    c.passed ? "ok" : "FAIL",
  ]);
  return [
    `test window of snapshot ${e.window.snapshot}: ${e.window.rows} inspections ${e.window.from}..${e.window.to}`,
    "",
    table(HEAD, rows),
    "",
    daysTable([
      [
        `candidate ${e.candidate.version ? `v${e.candidate.version}` : e.candidate.run}`,
        e.metrics.candidate.days_earlier,
      ],
      ...(e.metrics.champion && e.champion
        ? [[`champion v${e.champion.version}`, e.metrics.champion.days_earlier] as [string, DaysEarlier]]
        : []),
      ...Object.entries(e.baselines ?? {}).map(([n, m]): [string, DaysEarlier] => [n, m.days_earlier]),
      ["oracle", e.oracle?.days_earlier],
    ]),
    "",
    boroughTable(e.metrics.candidate, e.metrics.champion),
    "",
    table(["check", "scope", "candidate", "bound", "champion", ""], checks),
    ...(e.gate.skipped.length ? ["", `not compared: ${e.gate.skipped.join("; ")}`] : []),
    "",
    `gate: ${e.gate.passed ? "PASSED" : "REFUSED"} — ${e.gate.reasons.join("; ")}`,
  ].join("\n");
}

export function formatPipelineSummary(r: PipelineResult, d: PipelineDetails): string {
  const steps = r.steps.map((s) => [s.name, s.status, `${((d.durations[s.name] ?? 0) / 1000).toFixed(1)} s`]);
  const origin =
    d.sourceOrigin === "demo-default"
      ? " (the embedded demo's default)"
      : d.sourceOrigin === "champion"
        ? " (the champion's source)"
        : "";
  const out = [
    `source ${r.source ?? "?"}${origin}, snapshot ${r.snapshot}`,
    "",
    table(["step", "status", "time"], steps),
  ];
  if (d.train) {
    const t = d.train;
    out.push(
      "",
      `test window ${t.windows.test.from}..${t.windows.test.to}: AUC ${f(t.test.auc)} (oracle ${f(t.oracle?.auc)}), lift@10% ${f(t.test.lift_at["10"], 2)} (oracle ${f(t.oracle?.lift_at["10"], 2)}), ECE ${f(t.test.ece, 4)}, days earlier ${f(t.test.days_earlier.mean, 1)} (oracle ${f(t.oracle?.days_earlier.mean, 1)}), calibration ${t.calibration.method}`,
    );
  }
  if (d.evaluate) out.push("", formatEvaluation(d.evaluate));
  out.push(
    "",
    r.candidate
      ? `candidate: version ${r.candidate.version}, gate ${r.candidate.gate.passed ? "passed" : "refused"}`
      : "candidate: none",
    r.champion ? `champion: version ${r.champion.version}` : "champion: none",
  );
  return out.join("\n");
}

/** The alias moves of a promotion or rollback plan, one per line, then any warnings. */
export function formatPlanMoves(p: AppliedPlan, dryRun: boolean): string {
  return [
    `${dryRun ? "would move" : "moved"}:`,
    ...p.moves.map((m) => `  ${m.alias}: ${m.from ?? "(unset)"} → ${m.to ?? "(removed)"}`),
    ...p.warnings.map((w) => `warning: ${w}`),
  ].join("\n");
}
