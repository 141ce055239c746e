// GitHub Actions: CI runs the project's one test command on Node 20 with the npm cache on every push and pull
// request; a tag builds and pushes the image to GHCR and bumps the staging image tag by a commit (its edit is run
// here on a copy of the staging values and the chart must then deploy that tag).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CHART, findKind, helmTemplate, type Manifest, parseManifests, REPO, runOk } from "./tools.js";

const load = (f: string): Manifest => parse(readFileSync(path.join(REPO, ".github/workflows", f), "utf8"));
const steps = (wf: Manifest): Manifest[] => Object.values(wf.jobs as Record<string, Manifest>).flatMap((j) => j.steps);

describe("GitHub Actions", () => {
  it("ci.yml: every push and pull request, Node 20 with npm cache, the same test command as .ci/run", () => {
    const wf = load("ci.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push"]);
    expect(wf.on.push).toBeNull();
    const node = steps(wf).find((s) => String(s.uses).startsWith("actions/setup-node@"));
    expect(node?.with).toMatchObject({ "node-version": 20, cache: "npm" });
    const test = steps(wf).find((s) => /bash \.ci\/run|npm test/.test(String(s.run)));
    expect(test).toBeDefined();
    expect(readFileSync(path.join(REPO, ".ci/run"), "utf8")).toMatch(/^npm test$/m);
    expect(wf.permissions).toEqual({ contents: "read" });
  });

  it("release.yml: tags build and push the image to GHCR from deploy/docker/Dockerfile", () => {
    const wf = load("release.yml");
    expect(wf.on.push.tags).toEqual(["v*.*.*"]);
    expect(wf.permissions).toMatchObject({ packages: "write", contents: "write" });
    const build = steps(wf).find((s) => String(s.uses).startsWith("docker/build-push-action@"));
    expect(build?.with).toMatchObject({ file: "deploy/docker/Dockerfile", push: true });
    expect(build?.with.tags).toMatch(/steps\.meta\.outputs\.image/);
    const meta = steps(wf).find((s) => s.id === "meta");
    expect(meta?.run).toMatch(/image=ghcr\.io\//);
    expect(
      steps(wf).some((s) => String(s.uses).startsWith("docker/login-action@") && s.with.registry === "ghcr.io"),
    ).toBe(true);
  });

  it("release.yml: the staging bump edits the tag line and the chart deploys the new image", () => {
    const wf = load("release.yml");
    const bump = steps(wf).find((s) => /values-staging\.yaml/.test(String(s.run)));
    const sedLine = String(bump?.run)
      .split("\n")
      .find((l) => l.trim().startsWith("sed -i"));
    expect(sedLine).toBeDefined();
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-release-"));
    const file = path.join(dir, "values-staging.yaml");
    writeFileSync(file, readFileSync(path.join(CHART, "values-staging.yaml"), "utf8"));
    runOk("bash", ["-c", `file="$1"; VERSION=1.2.3; ${sedLine!.trim()}`, "bash", file]);
    expect(readFileSync(file, "utf8")).toMatch(/^ {2}tag: "1\.2\.3" # release:image-tag$/m);
    const dep = findKind(parseManifests(helmTemplate([file], "rodent-staging")), "Deployment")[0]!;
    expect(dep.spec.template.spec.containers[0].image).toBe("ghcr.io/rodent-risk/rodent-risk:1.2.3");
  });
});
