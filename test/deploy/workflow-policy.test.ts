// Pipeline rules that no schema knows: the push token never lands in a URL, a rollback never waits behind a
// promotion and goes to the version it is given, every image of ours is one reference (bumped together), no
// third-party image that moved, the monitoring CronWorkflow reaches the Argo Server through the configured CA.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type Manifest, REPO, rawManifestFiles, readManifests } from "./tools.js";

const argo = (f: string) => readManifests(path.join(REPO, "deploy/argo", f))[0]!;
const promote = argo("promote-workflowtemplate.yaml");
const rollback = argo("rollback-workflowtemplate.yaml");
const monitor = argo("monitor-cron.yaml");
const template = (wf: Manifest, name: string) => wf.spec.templates.find((t: Manifest) => t.name === name);

describe("pipeline policies", () => {
  it("the promote step pushes with a credential helper: the token is in no URL or remote", () => {
    const src = template(promote, "git-commit").script.source as string;
    expect(src).not.toMatch(/\$\{?GIT_TOKEN\}?@/);
    expect(src).toMatch(/credential\.helper/);
    expect(src).toMatch(/git clone [^\n]*"\$repo"/);
  });

  it("rollback has its own mutex and moves the champion to the version it is given", () => {
    const names = (wf: Manifest) => wf.spec.synchronization.mutexes.map((m: Manifest) => m.name);
    expect(names(rollback).filter((n: string) => names(promote).includes(n))).toEqual([]);
    expect(template(rollback, "registry").script.source).toMatch(
      /rodent promote '\{\{workflow\.parameters\.version\}\}' --to champion/,
    );
    const edits = rollback.spec.templates[0].steps
      .flat()[1]
      .arguments.parameters.find((p: Manifest) => p.name === "edits").value;
    expect(edits).toMatch(/values-production\.yaml models:\/rodent-risk\/\{\{workflow\.parameters\.version\}\}/);
  });

  it("no :latest, no Bitnami image; every image of ours is one reference marked for the release bump", () => {
    const text = rawManifestFiles().flatMap((f) => readManifests(f));
    const images: string[] = [];
    const walk = (o: unknown) => {
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === "object")
        for (const [k, v] of Object.entries(o)) k === "image" && typeof v === "string" ? images.push(v) : walk(v);
    };
    walk(text);
    expect(images.length).toBeGreaterThan(10);
    for (const i of images) {
      expect(i, i).not.toMatch(/:latest$|bitnami/);
      expect(i, i).toMatch(/:[\w.-]+(@sha256:[0-9a-f]{64})?$/);
    }
    const ours = new Set(images.filter((i) => /rodent-risk/.test(i)));
    expect(ours.size).toBe(1);
  });

  it("the monitoring CronWorkflow runs outcomes then check, with the Argo Server's CA and token wired", () => {
    const steps = monitor.spec.workflowSpec.templates[0].steps.flat().map((s: Manifest) => s.name);
    expect(steps).toEqual(["ingest", "outcomes", "check"]);
    const t = monitor.spec.workflowSpec.templates.find((x: Manifest) => x.name === "check");
    expect(t.script.source).toMatch(/rodent monitor check .*--json/);
    const mounts = t.script.volumeMounts.map((m: Manifest) => m.mountPath);
    const cm = argo("configmap.yaml").data;
    expect(mounts).toContain(path.dirname(cm.RODENT_ARGO_CA_FILE));
    expect(mounts).toContain("/data/monitor");
    expect(t.script.env.map((e: Manifest) => e.name)).toContain("RODENT_ARGO_TOKEN");
    expect(cm.RODENT_ARGO_SERVER).toMatch(/^https:/);
    expect(monitor.spec.workflowSpec.volumes.find((v: Manifest) => v.name === "argo-ca").configMap.name).toBe(
      "argo-server-ca",
    );
  });
});
