// The chart's and the workflows' security settings, checked on every rendering: non-root, no privilege escalation,
// read-only root filesystem, all capabilities dropped, seccomp RuntimeDefault; Secrets only by reference.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  CHART,
  ENVIRONMENTS,
  helmTemplate,
  type Manifest,
  parseManifests,
  rawManifestFiles,
  readManifests,
} from "./tools.js";

const SECRETISH = /(TOKEN|SECRET|PASSWORD|PASSWD|ACCESS_KEY|API_KEY|CREDENTIAL)/i;

interface Pod {
  where: string;
  podSecurity: Manifest;
  containers: Manifest[];
}

/** Pod-shaped things: Deployments/Rollouts, and every container/script template of a workflow. */
function pods(docs: Manifest[], where: string): Pod[] {
  const out: Pod[] = [];
  for (const d of docs) {
    if (d.kind === "Deployment" || d.kind === "Rollout") {
      const spec = d.spec.template.spec;
      out.push({ where: `${where} ${d.kind}`, podSecurity: spec.securityContext ?? {}, containers: spec.containers });
    }
    if (d.kind === "WorkflowTemplate" || d.kind === "CronWorkflow") {
      const spec = d.kind === "CronWorkflow" ? d.spec.workflowSpec : d.spec;
      for (const t of spec.templates ?? []) {
        const c = t.container ?? t.script;
        if (c)
          out.push({
            where: `${where} ${d.metadata.name}/${t.name}`,
            podSecurity: spec.securityContext ?? {},
            containers: [c],
          });
      }
    }
  }
  return out;
}

function checkPod(p: Pod): string[] {
  const problems: string[] = [];
  const ps = p.podSecurity;
  if (ps.runAsNonRoot !== true) problems.push("pod runAsNonRoot is not true");
  if (ps.runAsUser === 0) problems.push("pod runs as uid 0");
  for (const c of p.containers) {
    const sc = c.securityContext ?? {};
    const name = `${p.where} container ${c.name ?? c.image}`;
    if (sc.runAsNonRoot !== true && ps.runAsNonRoot !== true) problems.push(`${name}: runAsNonRoot`);
    if (sc.runAsUser === 0) problems.push(`${name}: runs as uid 0`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${name}: allowPrivilegeEscalation is not false`);
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${name}: readOnlyRootFilesystem is not true`);
    if (sc.privileged === true) problems.push(`${name}: privileged`);
    if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]') problems.push(`${name}: capabilities.drop is not [ALL]`);
    if (sc.capabilities?.add?.length) problems.push(`${name}: adds capabilities`);
    const seccomp = sc.seccompProfile?.type ?? ps.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault") problems.push(`${name}: seccomp is ${seccomp}`);
    for (const e of c.env ?? []) {
      if (SECRETISH.test(e.name) && e.value !== undefined) problems.push(`${name}: ${e.name} has a literal value`);
      if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.name) problems.push(`${name}: ${e.name} unnamed`);
    }
    if (!c.resources?.limits?.memory) problems.push(`${name}: no memory limit`);
  }
  return problems;
}

describe("security settings", () => {
  for (const [env, { namespace, values }] of Object.entries(ENVIRONMENTS)) {
    it(`chart (${env}): locked-down pods, no Secret objects, secrets only by reference`, () => {
      const docs = parseManifests(helmTemplate(values, namespace));
      const ps = pods(docs, env);
      expect(ps).toHaveLength(1);
      expect(checkPod(ps[0]!)).toEqual([]);
      expect(docs.filter((d) => d.kind === "Secret")).toEqual([]);
      const c = ps[0]!.containers[0]!;
      const fromSecret = (c.env as Manifest[]).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);
      expect(fromSecret).toEqual(
        expect.arrayContaining([
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "MLFLOW_TRACKING_TOKEN",
          "RODENT_ADMIN_TOKEN",
        ]),
      );
      const cm = docs.find((d) => d.kind === "ConfigMap")!;
      for (const k of Object.keys(cm.data)) expect(SECRETISH.test(k), `ConfigMap key ${k}`).toBe(false);
      const sa = docs.find((d) => d.kind === "ServiceAccount")!;
      expect(sa.automountServiceAccountToken).toBe(false);
      const np = docs.find((d) => d.kind === "NetworkPolicy")!;
      expect(np.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    });
  }

  it("the security test itself catches a weakened pod", () => {
    const docs = parseManifests(
      helmTemplate(["values-staging.yaml"], "s", [
        "--set",
        "securityContext.readOnlyRootFilesystem=false",
        "--set",
        "securityContext.allowPrivilegeEscalation=true",
      ]),
    );
    const problems = checkPod(pods(docs, "weak")[0]!);
    expect(problems.join("\n")).toMatch(/readOnlyRootFilesystem/);
    expect(problems.join("\n")).toMatch(/allowPrivilegeEscalation/);
  });

  it("workflow step pods are locked down too", () => {
    const docs = rawManifestFiles().flatMap((f) => readManifests(f));
    const ps = pods(docs, "argo");
    expect(ps.length).toBeGreaterThanOrEqual(10);
    expect(ps.flatMap(checkPod)).toEqual([]);
  });

  it("no values file holds a literal secret", () => {
    const walk = (o: unknown, at: string, out: string[]) => {
      if (o && typeof o === "object") {
        for (const [k, v] of Object.entries(o)) walk(v, `${at}.${k}`, out);
      } else if (typeof o === "string" && o !== "" && SECRETISH.test(at.split(".").pop()!)) {
        // Only names of Secrets and of keys inside them are allowed under such keys.
        if (!/(name|Key|key)$/.test(at) && !/^[A-Z_]+$/.test(o)) out.push(`${at} = ${o}`);
      }
    };
    for (const f of ["values.yaml", "values-staging.yaml", "values-canary.yaml", "values-production.yaml"]) {
      const found: string[] = [];
      walk(parse(readFileSync(path.join(CHART, f), "utf8")), f, found);
      expect(found).toEqual([]);
    }
  });
});
