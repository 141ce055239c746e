// Runs the CT WorkflowTemplate's step scripts for real (sh + node), in the order of its steps, with a stand-in
// `rodent` on PATH that prints the documented --json shapes. Proves the plumbing: each step's output parameters
// (valueFrom.path files) hold the ids the next steps receive, a refused gate is an outcome and not a failure, the
// register step is skipped by its `when`, and the validate step stops on bad data.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type Manifest, REPO, readManifests } from "./tools.js";

const ct = readManifests(path.join(REPO, "deploy/argo/ct-workflowtemplate.yaml"))[0]!;
const templates = new Map<string, Manifest>(ct.spec.templates.map((t: Manifest) => [t.name, t]));

interface Outcome {
  status: number | null;
  stderr: string;
  outputs: Record<string, string>;
}

function runStep(name: string, inputs: Record<string, string>, fake: { gate: boolean; quarantined?: number }): Outcome {
  const t = templates.get(name)!;
  const dir = mkdtempSync(path.join(os.tmpdir(), `rodent-step-${name}-`));
  const bin = path.join(dir, "bin");
  const out = path.join(dir, "out");
  writeFileSync(path.join(dir, ".keep"), "");
  spawnSync("mkdir", ["-p", bin]);
  // The stand-in prints what the real commands print with --json (the same JSON shapes), logging argv to stderr.
  writeFileSync(
    path.join(bin, "rodent"),
    `#!/bin/sh
echo "rodent $*" >&2
case "$1" in
  ingest) echo '{"snapshot":"snap-0123456789ab","reused":false,"datasets":{"inspections":{"rows":1000,"quarantined":${fake.quarantined ?? 3}},"rat_sightings":{"rows":500,"quarantined":0}}}' ;;
  validate) echo '{"ok":true}' ;;
  features) echo '{"snapshot":"snap-0123456789ab","status":"ran","rows":1000,"positives":80,"features":57,"schema_version":"2026.11-1","key":"features/snap-0123456789ab/2026.11-1"}' ;;
  train) echo '{"run":"run-42","test":{"auc":0.71,"lift_at":{"10":2.4}}}' ;;
  evaluate) if [ "${fake.gate}" = true ]; then echo '{"gate":{"passed":true,"reasons":[]}}'; else echo '{"gate":{"passed":false,"reasons":["auc below champion"]}}'; exit 3; fi ;;
  register) echo '{"version":7,"alias":"challenger"}' ;;
  *) echo "unknown $1" >&2; exit 64 ;;
esac
`,
  );
  chmodSync(path.join(bin, "rodent"), 0o755);
  const params: Record<string, string> = {};
  for (const p of t.inputs?.parameters ?? []) params[p.name] = inputs[p.name] ?? p.value;
  const script = (t.script.source as string)
    .replace(/\{\{inputs\.parameters\.([\w-]+)\}\}/g, (_m: string, n: string) => {
      if (params[n] === undefined) throw new Error(`${name}: no value for input ${n}`);
      return params[n]!;
    })
    .replaceAll("/tmp/out", out);
  expect(script).not.toMatch(/\{\{/);
  const r = spawnSync("sh", ["-eu", "-c", script], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  const outputs: Record<string, string> = {};
  for (const p of t.outputs?.parameters ?? []) {
    const f = (p.valueFrom.path as string).replace("/tmp/out", out);
    if (existsSync(f)) outputs[p.name] = readFileSync(f, "utf8").trim();
  }
  return { status: r.status, stderr: r.stderr, outputs };
}

/** The `ct` steps template, resolved the way Argo resolves it (sequential step groups, `when` on register). */
function runPipeline(fake: { gate: boolean; quarantined?: number }) {
  const done: Record<string, Outcome> = {};
  const wf: Record<string, string> = { source: "socrata", since: "" };
  for (const group of templates.get("ct")!.steps as Manifest[][]) {
    for (const step of group) {
      const resolve = (v: string) =>
        v
          .replace(/\{\{workflow\.parameters\.([\w-]+)\}\}/g, (_m, n) => wf[n] ?? "")
          .replace(/\{\{steps\.([\w-]+)\.outputs\.parameters\.([\w-]+)\}\}/g, (_m, s, n) => done[s]!.outputs[n]!);
      if (step.when && resolve(step.when) !== "true == true") continue;
      const args: Record<string, string> = {};
      for (const a of step.arguments?.parameters ?? []) args[a.name] = resolve(a.value);
      done[step.name] = runStep(step.template, args, fake);
      if (done[step.name]!.status !== 0) return done;
    }
  }
  return done;
}

describe("CT workflow plumbing", () => {
  it("passes snapshot, run and version from step to step when the gate passes", () => {
    const d = runPipeline({ gate: true });
    for (const s of ["ingest", "validate", "features", "train", "evaluate", "register"]) {
      expect(d[s]?.status, `${s}: ${d[s]?.stderr}`).toBe(0);
    }
    expect(d.ingest!.outputs.snapshot).toBe("snap-0123456789ab");
    expect(d.features!.stderr).toContain("rodent features --snapshot snap-0123456789ab --json");
    expect(d.features!.outputs.features).toBe("features/snap-0123456789ab/2026.11-1");
    expect(d.train!.stderr).toContain("rodent train --snapshot snap-0123456789ab --json");
    expect(d.train!.outputs.run).toBe("run-42");
    expect(JSON.parse(d.train!.outputs["test-metrics"]!)).toMatchObject({ auc: 0.71 });
    expect(d.evaluate!.stderr).toContain("rodent evaluate --candidate run-42 --against champion --json");
    expect(d.evaluate!.outputs.passed).toBe("true");
    expect(d.register!.stderr).toContain("rodent register --run run-42 --json");
    expect(d.register!.outputs.version).toBe("7");
    expect(JSON.parse(d.validate!.outputs.quality!)).toHaveLength(2);
  });

  it("a refused gate is an outcome: evaluate succeeds with passed=false and register is skipped", () => {
    const d = runPipeline({ gate: false });
    expect(d.evaluate!.status).toBe(0);
    expect(d.evaluate!.outputs.passed).toBe("false");
    expect(JSON.parse(d.evaluate!.outputs.reasons!)).toEqual(["auc below champion"]);
    expect(d.register).toBeUndefined();
  });

  it("validate stops the run (exit 4, not retried) when too many rows were quarantined", () => {
    const d = runPipeline({ gate: true, quarantined: 200 });
    expect(d.validate!.status).toBe(4);
    expect(d.validate!.stderr).toMatch(/too many quarantined rows/);
    expect(d.features).toBeUndefined();
    expect(templates.get("validate")!.retryStrategy.expression).toMatch(/\[3, 4, 70\]/);
  });

  it("dir: sources are also checked by the file validator", () => {
    const r = runStep(
      "validate",
      {
        source: "dir:/data/exports",
        "ingest-result": '{"snapshot":"s","datasets":{"inspections":{"rows":9,"quarantined":0}}}',
      },
      { gate: true },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("rodent validate /data/exports --json");
  });
});
