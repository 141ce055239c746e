// GitHub Actions: CI runs the project's one test command on Node 20 with the npm cache on every push and pull
// request; a tag passes that CI, builds and pushes the image to GHCR, and pins staging and the pipeline to it by
// digest in one commit (the bump script is run here on a copy of deploy/ and the manifests then use that image).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findKind, helmTemplate, type Manifest, parseManifests, REPO, run, runOk, tool } from "./tools.js";

const load = (f: string): Manifest => parse(readFileSync(path.join(REPO, ".github/workflows", f), "utf8"));
const steps = (wf: Manifest): Manifest[] =>
  Object.values(wf.jobs as Record<string, Manifest>).flatMap((j) => j.steps ?? []);

describe("GitHub Actions", () => {
  it("ci.yml: every push and pull request, Node 20 with npm cache, the same test command as .ci/run", () => {
    const wf = load("ci.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push", "workflow_call"]);
    expect(wf.on.push).toBeNull();
    const node = steps(wf).find((s) => String(s.uses).startsWith("actions/setup-node@"));
    expect(node?.with).toMatchObject({ "node-version": 20, cache: "npm" });
    const test = steps(wf).find((s) => /bash \.ci\/run|npm test/.test(String(s.run)));
    expect(test).toBeDefined();
    expect(readFileSync(path.join(REPO, ".ci/run"), "utf8")).toMatch(/^npm test$/m);
    expect(wf.permissions).toEqual({ contents: "read" });
  });

  it("release.yml: CI passes on the tag first, then the image goes to GHCR under its version only (no :latest)", () => {
    const wf = load("release.yml");
    expect(wf.on.push.tags).toEqual(["v*.*.*"]);
    expect(wf.jobs.ci.uses).toBe("./.github/workflows/ci.yml");
    expect(wf.jobs.image.needs).toBe("ci");
    expect(wf.jobs["bump-staging"].needs).toBe("image");
    expect(wf.jobs.image.permissions).toMatchObject({ packages: "write" });
    const build = steps(wf).find((s) => String(s.uses).startsWith("docker/build-push-action@"));
    expect(build?.with).toMatchObject({ file: "deploy/docker/Dockerfile", push: true });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
    expect(String(build?.with.tags).trim()).toBe("${{ steps.meta.outputs.image }}:${{ steps.meta.outputs.version }}");
    expect(JSON.stringify(wf)).not.toMatch(/:latest/);
    expect(wf.jobs.image.outputs.digest).toBe(`\${{ steps.${build!.id}.outputs.digest }}`);
    const meta = steps(wf).find((s) => s.id === "meta");
    expect(meta?.run).toMatch(/image=ghcr\.io\//);
    expect(
      steps(wf).some((s) => String(s.uses).startsWith("docker/login-action@") && s.with.registry === "ghcr.io"),
    ).toBe(true);
  });

  it("release: one bump pins staging and every pipeline image to the release by digest; production follows with --production", () => {
    const wf = load("release.yml");
    const bump = steps(wf).find((s) => /bump-images\.sh/.test(String(s.run)));
    expect(bump?.run).toMatch(/bash deploy\/release\/bump-images\.sh "\$IMAGE" "\$VERSION" "\$DIGEST"/);
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-release-"));
    cpSync(path.join(REPO, "deploy"), path.join(dir, "deploy"), { recursive: true });
    const digest = `sha256:${"ab".repeat(32)}`;
    const image = "ghcr.io/acme/rodent-risk";
    runOk("bash", ["deploy/release/bump-images.sh", image, "1.2.3", digest], { cwd: dir });
    const chart = path.join(dir, "deploy/helm/rodent-risk");
    const want = `${image}:1.2.3@${digest}`;
    const dep = findKind(
      parseManifests(helmTemplate([path.join(chart, "values-staging.yaml")], "s")),
      "Deployment",
    )[0]!;
    expect(dep.spec.template.spec.containers[0].image).toBe(want);
    // Every image of ours in the pipeline moved with it; third-party images are untouched.
    const ours: string[] = [];
    for (const f of readdirSync(path.join(dir, "deploy/argo")).filter((x) => x.endsWith(".yaml")))
      for (const m of readFileSync(path.join(dir, "deploy/argo", f), "utf8").matchAll(/image: (?:&\w+ )?(\S+)/g))
        if (/rodent-risk/.test(m[1]!)) ours.push(`${f}: ${m[1]}`);
    expect(ours.length).toBeGreaterThanOrEqual(4);
    for (const o of ours) expect(o).toMatch(new RegExp(`: ${want.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
    // Production is untouched by the release, then takes the same image with --production.
    const prodImage = () =>
      findKind(parseManifests(helmTemplate([path.join(chart, "values-production.yaml")], "p")), "Rollout")[0]!.spec
        .template.spec.containers[0].image;
    expect(prodImage()).toBe("ghcr.io/rodent-risk/rodent-risk:0.1.0");
    runOk("bash", ["deploy/release/bump-images.sh", "--production", image, "1.2.3", digest], { cwd: dir });
    expect(prodImage()).toBe(want);
    // Bad input is refused with the field named.
    const bad = spawnSync("bash", ["deploy/release/bump-images.sh", image, "1.2.3", "sha256:short"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/DIGEST: expected sha256/);
  });

  it("every workflow passes actionlint (expressions, job graph, action inputs), and actionlint is really looking", () => {
    const files = readdirSync(path.join(REPO, ".github/workflows"))
      .filter((f) => f.endsWith(".yml"))
      .map((f) => path.join(".github/workflows", f));
    expect(files).toEqual(expect.arrayContaining([".github/workflows/e2e-kind.yml"]));
    const r = run(tool("actionlint"), ["-shellcheck=", "-pyflakes=", ...files]);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-actionlint-"));
    const bad = path.join(dir, "bad.yml");
    writeFileSync(
      bad,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    needs: nope\n    steps:\n      - run: echo ${{ github.nope }}\n",
    );
    const neg = run(tool("actionlint"), ["-shellcheck=", "-pyflakes=", bad]);
    expect(neg.status).not.toBe(0);
  });

  it("e2e-kind.yml runs the deployment on kind: CT, staging, the drift path through the Argo Server, a canary abort", () => {
    const wf = load("e2e-kind.yml");
    const all = steps(wf)
      .map((s) => String(s.run ?? ""))
      .join("\n");
    expect(steps(wf).some((s) => String(s.uses).startsWith("helm/kind-action@"))).toBe(true);
    expect(all).toMatch(/docker build -f deploy\/docker\/Dockerfile/);
    expect(all).toMatch(/submit --from workflowtemplate\/rodent-ct/);
    expect(all).toMatch(/submit --from cronwf\/rodent-monitor/);
    expect(all).toMatch(/configmap argo-server-ca/);
    expect(all).toMatch(/values-staging\.yaml/);
    expect(all).toMatch(/status\.abort/);
    expect(JSON.stringify(wf)).not.toMatch(/:latest/);
  });
});
