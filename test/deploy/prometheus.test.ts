// Alert rules: promtool check + unit tests; the chart's PrometheusRule carries the very same rules; the PromQL of the
// rules and of the canary AnalysisTemplate parses and uses only the service's real metric names.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import {
  CHART,
  findKind,
  helmTemplate,
  type Manifest,
  parseManifests,
  REPO,
  runOk,
  SERVICE_METRICS,
  tool,
} from "./tools.js";

const RULES = path.join(REPO, "deploy/prometheus/rules.yaml");

function metricNames(expr: string): string[] {
  const names = expr.match(/\brodent_[a-z0-9_]+/g) ?? [];
  return [...new Set(names)];
}

function known(name: string): boolean {
  return SERVICE_METRICS.some(
    (m) => m === name || m.replace(/_bucket$/, "_sum") === name || m.replace(/_bucket$/, "_count") === name,
  );
}

describe("prometheus alert rules", () => {
  it("promtool check rules", () => {
    const out = runOk(tool("promtool"), ["check", "rules", RULES]);
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("promtool test rules (unit tests fire and stay silent as written)", () => {
    const dir = path.join(REPO, "deploy/prometheus/tests");
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => path.join(dir, f));
    expect(files.length).toBeGreaterThanOrEqual(1);
    const out = runOk(tool("promtool"), ["test", "rules", ...files]);
    expect(out).not.toMatch(/FAILED/);
  });

  it("covers drift, performance, errors, latency and staleness, each unit-tested", () => {
    const groups = parse(readFileSync(RULES, "utf8")).groups as Manifest[];
    const alerts = groups.flatMap((g) => g.rules.map((r: Manifest) => r.alert));
    for (const a of [
      "RodentFeatureDrift",
      "RodentPerformanceDrop",
      "RodentHighErrorRate",
      "RodentHighLatency",
      "RodentModelStale",
    ]) {
      expect(alerts).toContain(a);
    }
    const dir = path.join(REPO, "deploy/prometheus/tests");
    const tested = readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .flatMap((f) => parse(readFileSync(path.join(dir, f), "utf8")).tests as Manifest[])
      .flatMap((t) =>
        (t.alert_rule_test ?? [])
          .filter((a: Manifest) => (a.exp_alerts ?? []).length > 0)
          .map((a: Manifest) => a.alertname),
      );
    for (const a of alerts) expect(tested, `${a} has a firing unit test`).toContain(a);
    for (const g of groups)
      for (const r of g.rules) for (const m of metricNames(r.expr)) expect(known(m), m).toBe(true);
  });

  it("the chart's PrometheusRule ships exactly deploy/prometheus/rules.yaml", () => {
    expect(readFileSync(path.join(CHART, "files/prometheus-rules.yaml"), "utf8")).toBe(readFileSync(RULES, "utf8"));
    const docs = parseManifests(helmTemplate(["values-production.yaml"], "rodent-production"));
    const [rule] = findKind(docs, "PrometheusRule");
    expect(rule!.spec.groups).toEqual(parse(readFileSync(RULES, "utf8")).groups);
  });

  it("the canary analysis queries parse as PromQL and use our metrics", () => {
    const docs = parseManifests(helmTemplate(["values-production.yaml"], "rodent-production"));
    const [tpl] = findKind(docs, "AnalysisTemplate");
    const rules = (tpl!.spec.metrics as Manifest[]).map((m) => {
      const expr = (m.provider.prometheus.query as string).replace(/\{\{args\.([a-z-]+)\}\}/g, "$1-value");
      for (const n of metricNames(expr)) expect(known(n), n).toBe(true);
      return { record: `rodent:analysis_${m.name.replace(/-/g, "_")}`, expr };
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-analysis-"));
    const file = path.join(dir, "analysis-rules.yaml");
    writeFileSync(file, stringify({ groups: [{ name: "analysis", rules }] }));
    expect(runOk(tool("promtool"), ["check", "rules", file])).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("the Grafana dashboard's queries parse as PromQL, use our metrics, and ship unchanged in the chart", () => {
    const file = path.join(CHART, "files/grafana-dashboard.json");
    const dash = JSON.parse(readFileSync(file, "utf8"));
    const exprs = (dash.panels as Manifest[]).flatMap((p) => (p.targets as Manifest[]).map((t) => t.expr as string));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    const rules = exprs.map((e, i) => {
      const expr = e.replaceAll("$namespace", "rodent-production");
      for (const n of metricNames(expr)) expect(known(n), n).toBe(true);
      return { record: `rodent:dashboard_${i}`, expr };
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-dashboard-"));
    writeFileSync(path.join(dir, "d.yaml"), stringify({ groups: [{ name: "dashboard", rules }] }));
    expect(runOk(tool("promtool"), ["check", "rules", path.join(dir, "d.yaml")])).toMatch(/SUCCESS/);
    const docs = parseManifests(helmTemplate(["values-production.yaml"], "rodent-production"));
    const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata.labels?.grafana_dashboard === "1");
    expect(JSON.parse(cm!.data["rodent-risk.json"])).toEqual(dash);
  });
});
