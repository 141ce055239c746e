// Every rendered manifest and every raw Argo manifest passes kubeconform -strict against the Kubernetes schemas
// (built offline by scripts/tools.sh from the PyPI package kubernetes-validate) and the CRD schemas of Argo
// Workflows, Argo CD, Argo Rollouts and the Prometheus Operator (../shared/schemas/crds). No schema may be missing.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  CRD_SCHEMAS,
  ENVIRONMENTS,
  helmTemplate,
  K8S_SCHEMAS,
  K8S_VERSION,
  rawManifestFiles,
  run,
  tool,
} from "./tools.js";

function kubeconform(files: string[]): { status: number | null; out: string } {
  if (!existsSync(path.join(K8S_SCHEMAS, "deployment-apps-v1.json"))) {
    throw new Error(`Kubernetes schemas missing in ${K8S_SCHEMAS}: run scripts/tools.sh deploy`);
  }
  if (!existsSync(path.join(CRD_SCHEMAS, "argoproj.io", "rollout_v1alpha1.json"))) {
    throw new Error(`CRD schemas missing in ${CRD_SCHEMAS} (the repository must sit beside shared/)`);
  }
  const r = run(tool("kubeconform"), [
    "-strict",
    "-summary",
    "-output",
    "text",
    "-kubernetes-version",
    K8S_VERSION,
    "-schema-location",
    path.join(
      path.dirname(K8S_SCHEMAS),
      "{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json",
    ),
    "-schema-location",
    path.join(CRD_SCHEMAS, "{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"),
    ...files,
  ]);
  return { status: r.status, out: r.stdout + r.stderr };
}

function summary(out: string): { found: number; valid: number; invalid: number; errors: number; skipped: number } {
  const m = out.match(/(\d+) resources found.*Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)/);
  if (!m) throw new Error(`no kubeconform summary in:\n${out}`);
  const [found, valid, invalid, errors, skipped] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { found, valid, invalid, errors, skipped };
}

describe("kubeconform -strict", () => {
  it("accepts every environment's rendered chart", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-render-"));
    const files = Object.entries(ENVIRONMENTS).map(([env, { namespace, values }]) => {
      const f = path.join(dir, `${env}.yaml`);
      writeFileSync(f, helmTemplate(values, namespace));
      return f;
    });
    const { status, out } = kubeconform(files);
    const s = summary(out);
    expect(out, out).not.toMatch(/is invalid|failed validation|could not find schema/);
    expect(status).toBe(0);
    expect(s.skipped).toBe(0);
    expect(s.valid).toBe(s.found);
    expect(s.found).toBeGreaterThanOrEqual(40);
  });

  it("accepts every raw Argo manifest (Argo CD applications, workflow templates, cron, RBAC)", () => {
    const files = rawManifestFiles();
    expect(files.length).toBeGreaterThanOrEqual(7);
    const { status, out } = kubeconform(files);
    const s = summary(out);
    expect(out, out).not.toMatch(/is invalid|failed validation|could not find schema/);
    expect(status).toBe(0);
    expect(s.skipped).toBe(0);
    expect(s.valid).toBe(s.found);
  });

  // Proves the schemas are really applied (strict: unknown fields refused) for a core kind and for each CRD group.
  it("rejects unknown fields in core kinds and in Argo kinds", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-bad-"));
    const bad = path.join(dir, "bad.yaml");
    writeFileSync(
      bad,
      [
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: a, image: x, livenessprobe: {}}]",
        "apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {name: a}\nspec:\n  schedules: ['0 3 * * 1']\n  timeZone: America/New_York\n  workflowSpec: {workflowTemplateRef: {name: x}}",
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: a}\nspec:\n  strategy: {canary: {steps: [{setWeigth: 10}]}}",
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: a}\nspec:\n  selector: {}\n  endpoints: [{port: http, intervall: 30s}]",
      ].join("\n---\n"),
    );
    const { status, out } = kubeconform([bad]);
    expect(status).not.toBe(0);
    expect(summary(out).invalid).toBe(4);
  });
});
