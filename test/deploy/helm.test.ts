// The chart: lint and render every environment, and check what production and staging must contain.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import {
  CHART,
  ENVIRONMENTS,
  findKind,
  helmTemplate,
  type Manifest,
  parseManifests,
  REPO,
  readManifests,
  runOk,
  tool,
} from "./tools.js";

function podSpec(doc: Manifest): Manifest {
  return doc.spec.template.spec;
}

describe("helm chart", () => {
  for (const [env, { namespace, values }] of Object.entries(ENVIRONMENTS)) {
    it(`lints and renders for ${env}`, () => {
      const args = ["lint", CHART, "--strict", "--kube-version", "1.33.0", "--namespace", namespace];
      for (const v of values) args.push("-f", path.join(CHART, v));
      runOk(tool("helm"), args);
      const docs = parseManifests(helmTemplate(values, namespace));
      expect(docs.length).toBeGreaterThanOrEqual(6);
      const kinds = new Set(docs.map((d) => d.kind));
      for (const k of ["Service", "ConfigMap", "ServiceAccount", "NetworkPolicy"]) expect(kinds).toContain(k);
      expect(kinds.has("Deployment") !== kinds.has("Rollout")).toBe(true);
    });
  }

  it("production renders a Rollout with canary steps, background analysis and the AnalysisTemplate", () => {
    const docs = parseManifests(helmTemplate(["values-production.yaml", "values-canary.yaml"], "rodent-production"));
    expect(findKind(docs, "Deployment")).toHaveLength(0);
    const [rollout] = findKind(docs, "Rollout");
    expect(rollout).toBeDefined();
    const canary = rollout!.spec.strategy.canary;
    const weights = canary.steps.filter((s: Manifest) => "setWeight" in s).map((s: Manifest) => s.setWeight);
    expect(weights).toEqual([10, 25, 50, 100]);
    const [analysis] = findKind(docs, "AnalysisTemplate");
    expect(analysis).toBeDefined();
    expect(canary.analysis.templates[0].templateName).toBe(analysis!.metadata.name);
    const argNames = canary.analysis.args.map((a: Manifest) => a.name).sort();
    expect(argNames).toEqual(analysis!.spec.args.map((a: Manifest) => a.name).sort());
    const metricNames = analysis!.spec.metrics.map((m: Manifest) => m.name);
    expect(metricNames).toEqual(
      expect.arrayContaining(["error-rate", "p99-latency", "score-shift-q50", "score-shift-q90"]),
    );
    expect(metricNames).toContain("canary-traffic");
    for (const m of analysis!.spec.metrics) {
      const q = m.provider.prometheus.query as string;
      expect(q).toMatch(/rollouts_pod_template_hash="\{\{args\.canary-hash\}\}"/);
      // Never a whole-query fallback to 0: no traffic must not read as a healthy canary.
      expect(q).not.toMatch(/\)\s*or vector\(0\)\s*$/);
      expect(m.successCondition).toMatch(
        /^(len\(result\) == 0 \|\| )?len\(result\) == 1 && result\[0\] (<=|>=|==) [0-9.]+$|^len\(result\) == 0 \|\| result\[0\] == 0$/,
      );
      expect(m.failureCondition, m.name).toBeDefined();
      // Request metrics look at the scoring routes only (no /health/*, /metrics, page assets).
      if (/rodent_http_request/.test(q)) expect(q).toMatch(/route=~"\/v1\/\(predict\|rankings\|restaurants/);
    }
    // No traffic fails the request-based checks; a quiet window makes the score comparison inconclusive, not NaN.
    for (const name of ["canary-traffic", "error-rate", "p99-latency"]) {
      const m = analysis!.spec.metrics.find((x: Manifest) => x.name === name);
      expect(m.failureCondition, name).toMatch(/^len\(result\) == 0 \|\|/);
    }
    for (const name of ["score-shift-q50", "score-shift-q90"]) {
      const m = analysis!.spec.metrics.find((x: Manifest) => x.name === name);
      expect(m.provider.prometheus.query.trim()).toMatch(/\) >= 0$/);
      expect(m.failureCondition).toMatch(/^len\(result\) == 1 && /);
    }
    const [hpa] = findKind(docs, "HorizontalPodAutoscaler");
    expect(hpa!.spec.scaleTargetRef).toMatchObject({ kind: "Rollout", name: rollout!.metadata.name });
    expect(findKind(docs, "ServiceMonitor")[0]!.spec.podTargetLabels).toContain("rollouts-pod-template-hash");
    expect(findKind(docs, "PrometheusRule")).toHaveLength(1);
    expect(findKind(docs, "PodDisruptionBudget")[0]!.spec.minAvailable).toBe(2);
    // Spread over zones and nodes; drained before SIGTERM.
    const pod = rollout!.spec.template.spec;
    expect(pod.topologySpreadConstraints.map((t: Manifest) => t.topologyKey)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
    const sleep = Number(pod.containers[0].lifecycle.preStop.exec.command[1]);
    expect(sleep).toBeGreaterThanOrEqual(5);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(sleep + 15);
  });

  it("a canary changes the pod template, never the shared ConfigMap: stable pods keep the champion", () => {
    const render = (extra: string[]) =>
      parseManifests(helmTemplate(["values-production.yaml", "values-canary.yaml"], "rodent-production", extra));
    const stable = render(["--set", "model.uri=models:/rodent-risk/6"]);
    const canary = render([
      "--set",
      "model.uri=models:/rodent-risk/6",
      "--set",
      "canary.modelUri=models:/rodent-risk/7",
    ]);
    const env = (docs: Manifest[]) =>
      findKind(docs, "Rollout")[0]!.spec.template.spec.containers[0].env.find(
        (e: Manifest) => e.name === "RODENT_MODEL_URI",
      ).value;
    expect(env(stable)).toBe("models:/rodent-risk/6");
    expect(env(canary)).toBe("models:/rodent-risk/7");
    const cm = (docs: Manifest[]) => findKind(docs, "ConfigMap")[0]!.data;
    expect(cm(canary)).toEqual(cm(stable));
    expect(Object.keys(cm(stable))).not.toContain("RODENT_MODEL_URI");
  });

  it("the service's limits are chart values: the rendered ConfigMap loads with src/config, a bad value is refused", () => {
    const cmOf = (extra: string[] = []) =>
      findKind(parseManifests(helmTemplate(["values-production.yaml"], "rodent-production", extra)), "ConfigMap")[0]!
        .data as Record<string, string>;
    const config = loadConfig(cmOf());
    expect(config.serve).toMatchObject({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      connectionTimeoutMs: 60_000,
      adminRateLimit: 10,
    });
    const set = cmOf([
      ...["--set", "config.server.requestTimeoutMs=120000", "--set", "config.server.headersTimeoutMs=15000"],
      ...["--set", "config.server.connectionTimeoutMs=75000", "--set", "config.server.adminRateLimit=3"],
    ]);
    // Large numbers render as integers (no 1.2e+05 that the service's schema would refuse).
    expect(set.RODENT_REQUEST_TIMEOUT_MS).toBe("120000");
    expect(loadConfig(set).serve).toMatchObject({
      requestTimeoutMs: 120_000,
      headersTimeoutMs: 15_000,
      connectionTimeoutMs: 75_000,
      adminRateLimit: 3,
    });
    expect(() => loadConfig(cmOf(["--set", "config.server.headersTimeoutMs=60000"]))).toThrow(
      /RODENT_HEADERS_TIMEOUT_MS/,
    );
  });

  it("staging and production read the data the pipeline writes (same bucket and prefix)", () => {
    const pipeline = readManifests(path.join(REPO, "deploy/argo/configmap.yaml"))[0]!.data;
    for (const [values, ns] of [
      [["values-staging.yaml"], "rodent-staging"],
      [["values-production.yaml", "values-canary.yaml"], "rodent-production"],
    ] as const) {
      const data = findKind(parseManifests(helmTemplate([...values], ns)), "ConfigMap")[0]!.data;
      for (const k of ["RODENT_STORE", "RODENT_S3_BUCKET", "RODENT_S3_PREFIX", "RODENT_TRACKING_URI", "RODENT_SOURCE"])
        expect(data[k], `${ns} ${k}`).toBe(pipeline[k]);
    }
  });

  it("egress is narrowed: no open 0.0.0.0/0 (private ranges excluded), MLflow by namespace and port", () => {
    const docs = parseManifests(helmTemplate(["values-production.yaml"], "rodent-production"));
    const np = findKind(docs, "NetworkPolicy")[0]!;
    for (const rule of np.spec.egress as Manifest[]) {
      for (const to of rule.to as Manifest[]) {
        if (to.ipBlock?.cidr === "0.0.0.0/0") expect(to.ipBlock.except).toEqual(expect.arrayContaining(["10.0.0.0/8"]));
      }
      expect(rule.ports.length).toBeGreaterThan(0);
    }
    const ports = (np.spec.egress as Manifest[]).flatMap((r) => r.ports.map((p: Manifest) => p.port));
    expect(ports).not.toContain(2746);
  });

  it("production probes the real health paths and runs locked down", () => {
    const docs = parseManifests(helmTemplate(["values-production.yaml"], "rodent-production"));
    const spec = podSpec(findKind(docs, "Rollout")[0]!);
    const c = spec.containers[0];
    expect(c.livenessProbe.httpGet).toMatchObject({ path: "/health/live", port: "http" });
    expect(c.readinessProbe.httpGet).toMatchObject({ path: "/health/ready", port: "http" });
    expect(c.ports[0].containerPort).toBe(8080);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    const mounts = c.volumeMounts.map((m: Manifest) => m.mountPath).sort();
    expect(mounts).toEqual(["/data", "/tmp"]);
    const cm = findKind(docs, "ConfigMap")[0]!;
    expect(cm.data.RODENT_HOME).toBe("/data");
    expect(cm.data.RODENT_CANARY_SHARE).toBe("0");
  });

  it("staging renders a plain Deployment with the staging model and one replica", () => {
    const docs = parseManifests(helmTemplate(["values-staging.yaml"], "rodent-staging"));
    expect(findKind(docs, "Rollout")).toHaveLength(0);
    expect(findKind(docs, "AnalysisTemplate")).toHaveLength(0);
    const [dep] = findKind(docs, "Deployment");
    expect(dep).toBeDefined();
    expect(dep!.spec.replicas).toBe(1);
    expect(podSpec(dep!).containers[0].readinessProbe.httpGet.path).toBe("/health/ready");
    const env = podSpec(dep!).containers[0].env as Manifest[];
    expect(env.find((e) => e.name === "RODENT_MODEL_URI")!.value).toMatch(/^models:\/rodent-risk(@champion|\/\d+)$/);
    // The promote workflow (namespace rodent-pipeline) checks staging's /v1/model; Prometheus scrapes /metrics.
    const from = findKind(docs, "NetworkPolicy")[0]!.spec.ingress[0].from as Manifest[];
    const namespaces = from.map((f) => f.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"]);
    expect(namespaces).toEqual(expect.arrayContaining(["rodent-pipeline", "monitoring"]));
  });

  it("refuses to render without a model URI", () => {
    const r = (() => {
      try {
        helmTemplate([], "x", ["--set", "model.uri="]);
        return "rendered";
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(r).toMatch(/model\.uri is required/);
  });

  // The promote workflow edits values files with the sed line of its git-commit template; run that exact line
  // on copies of the values files and check the chart then serves the promoted version.
  it("the promote workflow's edit moves the served model in staging, the canary and production", () => {
    const promote = readManifests(path.join(REPO, "deploy/argo/promote-workflowtemplate.yaml"))[0]!;
    const gitCommit = promote.spec.templates.find((t: Manifest) => t.name === "git-commit");
    const sedLine = (gitCommit.script.source as string).split("\n").find((l) => l.trim().startsWith("sed -i"));
    expect(sedLine).toBeDefined();
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-promote-"));
    const edit = (file: string, value: string) => {
      const copy = path.join(dir, file);
      runOk("sh", ["-c", `file="$1"; value="$2"; ${sedLine!.trim()}`, "sh", copy, value]);
    };
    for (const f of ["values-staging.yaml", "values-canary.yaml", "values-production.yaml"]) {
      writeFileSync(path.join(dir, f), readFileSync(path.join(CHART, f), "utf8"));
    }
    const uri = (values: string[], ns: string) => {
      const docs = parseManifests(helmTemplate(values, ns));
      const w = [...findKind(docs, "Deployment"), ...findKind(docs, "Rollout")][0]!;
      return w.spec.template.spec.containers[0].env.find((e: Manifest) => e.name === "RODENT_MODEL_URI").value;
    };
    const prod = [path.join(dir, "values-production.yaml"), path.join(dir, "values-canary.yaml")];
    const before = uri(prod, "p");

    edit("values-staging.yaml", "models:/rodent-risk/42");
    expect(uri([path.join(dir, "values-staging.yaml")], "s")).toBe("models:/rodent-risk/42");

    edit("values-canary.yaml", "models:/rodent-risk/42");
    expect(uri(prod, "p")).toBe("models:/rodent-risk/42");
    const canaryRender = helmTemplate(prod, "p");

    edit("values-production.yaml", "models:/rodent-risk/42");
    edit("values-canary.yaml", '""');
    expect(uri(prod, "p")).toBe("models:/rodent-risk/42");
    // Finishing the canary changes no rendered byte, so it starts no second rollout.
    expect(helmTemplate(prod, "p")).toBe(canaryRender);
    expect(before).not.toBe("models:/rodent-risk/42");
    // The edited files are still the same YAML apart from the value.
    expect(readFileSync(path.join(dir, "values-canary.yaml"), "utf8")).toBe(
      readFileSync(path.join(CHART, "values-canary.yaml"), "utf8"),
    );
  });
});
