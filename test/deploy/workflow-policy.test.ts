// Pipeline rules that no schema knows: the push token never lands in a URL, a rollback never waits behind a
// promotion and goes to the version it is given, every image of ours is one reference (bumped together), no
// third-party image that moved, the monitoring CronWorkflow reaches the Argo Server through the configured CA.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
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
    expect(t.script.env.map((e: Manifest) => e.name)).toContain("RODENT_ARGO_TOKEN");
    expect(cm.RODENT_ARGO_SERVER).toMatch(/^https:/);
    expect(monitor.spec.workflowSpec.volumes.find((v: Manifest) => v.name === "argo-ca").configMap.name).toBe(
      "argo-server-ca",
    );
  });

  it("the trigger's state is in the object store: no volume holds it, and no claim for one exists", () => {
    const spec = monitor.spec.workflowSpec;
    // Only the read-only exports are a claim; everything else a step writes is an emptyDir (gone with the pod).
    const claims = spec.volumes.filter((v: Manifest) => v.persistentVolumeClaim);
    expect(claims.map((v: Manifest) => [v.persistentVolumeClaim.claimName, v.persistentVolumeClaim.readOnly])).toEqual([
      ["rodent-exports", true],
    ]);
    for (const t of spec.templates.filter((x: Manifest) => x.script))
      for (const m of t.script.volumeMounts) expect(m.mountPath, `${t.name}`).not.toMatch(/^\/data\/monitor/);
    const pvcs = readManifests(path.join(REPO, "deploy/argo/volumes.yaml")).map((d) => d.metadata.name);
    expect(pvcs).toEqual(["rodent-exports"]);
    // The store the steps write it to is the deployment's (the service reads the same prefix).
    const cm = argo("configmap.yaml").data;
    expect(cm.RODENT_STORE).toBe("s3");
    expect(cm.RODENT_S3_PREFIX).toMatch(/\/$/);
  });

  // The check step as Argo runs it (sh -eu), with a stand-in \`rodent\` that fails the way the real one does.
  function runCheck(fake: string, drop = "false") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-check-"));
    writeFileSync(path.join(dir, "rodent"), `#!/bin/sh\necho "rodent $*" >&2\n${fake}\n`);
    chmodSync(path.join(dir, "rodent"), 0o755);
    const t = monitor.spec.workflowSpec.templates.find((x: Manifest) => x.name === "check");
    const script = (t.script.source as string)
      .replace("{{inputs.parameters.performance-drop}}", drop)
      .replaceAll("/tmp/out", path.join(dir, "out"));
    const r = spawnSync("sh", ["-eu", "-c", script], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, dir };
  }
  const retried = (code: number) => {
    // The retry expression, evaluated for a failed (not errored) step with this exit code.
    const expr = monitor.spec.workflowSpec.templates.find((x: Manifest) => x.name === "check").retryStrategy
      .expression as string;
    const list = expr
      .match(/in \[([\d, ]+)\]/)![1]!
      .split(",")
      .map(Number);
    expect(expr).toMatch(/^lastRetry\.status == 'Error' \|\| !\(asInt\(lastRetry\.exitCode\) in \[/);
    return !list.includes(code);
  };

  it("monitor check: a source mismatch exits 5 and is not retried; other errors keep their code and are", () => {
    const ok = runCheck("echo '{\"fire\":false}'", "true");
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe('{"fire":false}');
    expect(ok.stderr).toMatch(/rodent monitor check --performance-drop --json/);
    const mismatch = runCheck(
      "echo 'error [RODENT_ERR_SOURCE_MISMATCH]: the retrain this check may start trains on synth:2, but champion v1 was trained on socrata' >&2; exit 2",
    );
    expect(mismatch.status).toBe(5);
    // The error is still in the step's log (stderr passes through while the step runs).
    expect(mismatch.stderr).toMatch(/RODENT_ERR_SOURCE_MISMATCH.*champion v1/);
    expect(mismatch.stderr).toMatch(/rodent monitor check --json/);
    expect(retried(5)).toBe(false);
    const store = runCheck("echo 'error [RODENT_ERR_STORE]: s3 timed out' >&2; exit 2");
    expect(store.status).toBe(2);
    expect(store.stderr).toMatch(/RODENT_ERR_STORE/);
    expect(retried(2)).toBe(true);
    // A mismatch named only inside a log line (not the error line) is not a mismatch.
    const other = runCheck('echo \'{"msg":"RODENT_ERR_SOURCE_MISMATCH was fixed"}\' >&2; exit 2');
    expect(other.status).toBe(2);
    expect(readFileSync(path.join(other.dir, "out/stderr.log"), "utf8")).toMatch(/was fixed/);
    for (const code of [3, 4, 70]) expect(retried(code)).toBe(false);
  });
});
