// GitHub Actions: CI runs the project's one test command on Node 20 with the npm cache on every push and pull
// request; a tag passes that CI, builds and pushes the image to GHCR, and pins staging and the pipeline to it by
// digest in one commit (the bump script is run here on a copy of deploy/ and the manifests then use that image).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findKind, helmTemplate, type Manifest, parseManifests, REPO, runOk } from "./tools.js";

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
});
