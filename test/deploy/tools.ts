// Shared by the deployment tests: where the tools and schemas are, rendering the chart, reading manifests.
// Tools come from scripts/tools.sh (cached under ~/.cache/rodent-risk) or PATH. A missing tool is a test failure
// with the command that installs it, never a skip.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CACHE = process.env.RODENT_TOOLS_CACHE ?? path.join(os.homedir(), ".cache", "rodent-risk");
export const CHART = path.join(REPO, "deploy/helm/rodent-risk");
/** The repository is cloned beside shared/ (CI and the work tree alike). */
export const CRD_SCHEMAS = path.resolve(REPO, "../shared/schemas/crds");
export const K8S_VERSION = "1.33.0";
export const K8S_SCHEMAS = path.join(CACHE, "schemas", "kubernetes", `v${K8S_VERSION}-standalone-strict`);

/** Every values combination an environment uses (production layers the canary file, as its Application does). */
export const ENVIRONMENTS: Record<string, { namespace: string; values: string[] }> = {
  defaults: { namespace: "rodent-risk", values: [] },
  staging: { namespace: "rodent-staging", values: ["values-staging.yaml"] },
  canary: { namespace: "rodent-canary", values: ["values-canary.yaml"] },
  production: { namespace: "rodent-production", values: ["values-production.yaml"] },
  "production+canary": { namespace: "rodent-production", values: ["values-production.yaml", "values-canary.yaml"] },
};

/** The service's metric names (the serve stage); histograms also expose _sum and _count. */
export const SERVICE_METRICS = [
  "rodent_http_requests_total",
  "rodent_http_request_duration_seconds_bucket",
  "rodent_prediction_score_bucket",
  "rodent_model_info",
  "rodent_model_load_failures_total",
  "rodent_canary_share",
  "rodent_feature_drift_psi",
  "rodent_score_drift_psi",
  "rodent_drift_alert",
  "rodent_live_auc",
  "rodent_live_lift_at_10",
  "rodent_model_trained_timestamp_seconds",
];

/** Absolute path of a tool, or throws saying how to install it. */
export function tool(name: string): string {
  const candidates = [path.join(CACHE, "bin", name), path.join(CACHE, "venv", "bin", name)];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) if (dir) candidates.push(path.join(dir, name));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`${name} not found in ${CACHE}/bin, ${CACHE}/venv/bin or PATH: run scripts/tools.sh all`);
  return found;
}

export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; input?: string } = {},
): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? REPO,
    input: opts.input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, HELM_CACHE_HOME: path.join(os.tmpdir(), "rodent-helm-cache") },
  });
  if (r.error) throw r.error;
  return r;
}

/** Run and require exit 0; the error message carries the tool's own output. */
export function runOk(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): string {
  const r = run(cmd, args, opts);
  if (r.status !== 0) {
    throw new Error(`${path.basename(cmd)} ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

export function helmTemplate(values: string[], namespace: string, extra: string[] = []): string {
  const args = ["template", "rodent-risk", CHART, "--namespace", namespace, "--kube-version", K8S_VERSION];
  for (const v of values) args.push("-f", path.isAbsolute(v) ? v : path.join(CHART, v));
  return runOk(tool("helm"), [...args, ...extra]);
}

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML documents walked by the tests.
export type Manifest = Record<string, any>;

export function parseManifests(text: string): Manifest[] {
  const docs = parseAllDocuments(text, { merge: true });
  const out: Manifest[] = [];
  for (const d of docs) {
    if (d.errors.length > 0) throw new Error(`YAML error: ${d.errors[0]!.message}`);
    const v = d.toJS({ maxAliasCount: 1000 });
    if (v && typeof v === "object") out.push(v as Manifest);
  }
  return out;
}

export function readManifests(file: string): Manifest[] {
  return parseManifests(readFileSync(file, "utf8"));
}

/** The raw manifests (Argo CD Applications, Argo Workflows templates, RBAC, platform PostgreSQL), not the chart. */
export function rawManifestFiles(): string[] {
  const dirs = ["deploy/argo", "deploy/argocd", "deploy/argocd/apps", "deploy/platform/postgresql"];
  const files: string[] = [];
  for (const d of dirs) {
    for (const f of readdirSync(path.join(REPO, d))) if (f.endsWith(".yaml")) files.push(path.join(REPO, d, f));
  }
  return files.sort();
}

export function findKind(docs: Manifest[], kind: string): Manifest[] {
  return docs.filter((d) => d.kind === kind);
}
