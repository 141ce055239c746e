// Dependency direction, checked on every import in src/ (docs/architecture.md, "Stages, and which way imports go"):
// a stage imports only stages ranked below it, and only through their face (index.ts). Fixtures and contract
// suites (*.fixture.ts, *.case.ts, src/test-support/) are test code, not part of any face, and may be imported by
// tests. A new exception must be added to EXCEPTIONS below with its reason, which keeps each one visible.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** The order of docs/architecture.md: a folder may import folders of a lower rank. */
const RANK: Record<string, number> = {
  errors: 0,
  config: 0,
  util: 0,
  data: 1,
  features: 2,
  model: 3,
  tracking: 4,
  monitor: 5,
  pipeline: 6,
  serve: 7,
  cli: 8,
};
/** Stages with a face: imports from another folder must name their index.ts. */
const FACED = new Set(["data", "features", "model", "tracking", "monitor", "pipeline", "serve"]);

/**
 * Known exceptions, "from -> to" (paths under src/, .ts), each with why. Most are in files that other work in
 * flight owns; they move to the face when that work lands.
 */
const EXCEPTIONS: Record<string, string> = {
  "cli/commands/serve.ts -> serve/cluster.ts": "issue 17 (serving speed) edits this file",
  "serve/column-ranks.ts -> features/schema.ts": "landed with issue 15 at the deadline; to the face next",
  "serve/restaurant-facts.ts -> features/labels.ts": "landed with issue 15 at the deadline; to the face next",
  "serve/routes/ui-monitoring.ts -> data/object-store.ts": "issue 15 (web) edits this file",
  "serve/routes/ui-monitoring.ts -> features/profile.ts": "issue 15 (web) edits this file",
  "serve/routes/ui-routes.test.ts -> features/profile.ts": "issue 15 (web) edits this file",
  "model/metrics.ts -> data/records.ts":
    "rodent-risk/model is a library: the data face would load the whole data stage (S3 client, workers) for one constant",
  "cli/commands/serve.ts -> serve/server.ts": "issue 17 (serving speed) edits this file",
  "serve/app.ts -> features/schema.ts": "issue 17 (serving speed) edits this file",
  "serve/model-host.ts -> features/schema.ts": "issue 17 (serving speed) edits this file",
  "serve/routes/ui-map.ts -> data/records.ts": "issue 15 (web) edits this file",
  "serve/schemas/rankings.ts -> data/records.ts": "issue 15 (web) edits this file",
  "serve/served-model.ts -> data/records.ts": "issue 15 (web) edits this file",
  "serve/served-model.ts -> features/schema.ts": "issue 15 (web) edits this file",
};

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) yield p;
  }
}

const isTestSupport = (rel: string) =>
  /\.(test|fixture|case)\.ts$/.test(rel) ||
  rel.startsWith("test-support/") ||
  // named before the *.fixture.ts convention; renamed once the serve work in flight has landed
  rel === "serve/test-helper.ts" ||
  rel === "serve/test-fixtures.ts";

interface Edge {
  from: string;
  to: string;
  problem: string;
}

const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

/** Cross-folder imports of `files` (path under src/ → source text) that break a rule. */
function violations(files: Map<string, string>, exceptions: Record<string, string> = EXCEPTIONS): Edge[] {
  const out: Edge[] = [];
  for (const [from, text] of files) {
    const fromTop = from.includes("/") ? from.split("/")[0] : from.replace(/(\.test)?\.ts$/, "");
    if (fromTop === "web") continue; // the browser page: its own tsconfig, talks to the service over HTTP only
    for (const m of text.matchAll(IMPORT_RE)) {
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(from), m[1])).replace(/\.js$/, ".ts");
      if (to.startsWith("..")) continue; // outside src/ (package.json, docs)
      const toTop = to.includes("/") ? to.split("/")[0] : to.replace(/\.ts$/, "");
      if (toTop === fromTop) continue;
      let problem: string | null = null;
      if (toTop === "test-support" || toTop === "web") {
        if (!isTestSupport(from)) problem = `${toTop}/ is not for ${fromTop}/ code`;
      } else if (!(toTop in RANK) || (!(fromTop in RANK) && fromTop !== "test-support")) {
        problem = `unknown folder (${fromTop} -> ${toTop}): give it a rank`;
      } else if (fromTop !== "test-support" && RANK[toTop] > 0 && RANK[toTop] >= RANK[fromTop]) {
        problem = `${fromTop} (rank ${RANK[fromTop]}) imports ${toTop} (rank ${RANK[toTop]}), which sits above it`;
      } else if (FACED.has(toTop) && to !== `${toTop}/index.ts` && !isTestSupport(to)) {
        problem = `skips ${toTop}'s face (${toTop}/index.ts)`;
      }
      const key = `${from} -> ${to}`;
      if (problem && !(key in exceptions) && !out.some((e) => `${e.from} -> ${e.to}` === key))
        out.push({ from, to, problem });
    }
  }
  return out;
}

function sources(): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of tsFiles(SRC))
    files.set(path.relative(SRC, file).split(path.sep).join("/"), readFileSync(file, "utf8"));
  return files;
}

describe("dependency direction", () => {
  const files = sources();

  it("no stage imports one above it, and imports across stages go through the face", () => {
    expect(violations(files).map((v) => `${v.from} -> ${v.to}: ${v.problem}`)).toEqual([]);
  });

  it("every listed exception still occurs (one that no longer does is removed from the list)", () => {
    const everything = violations(files, {});
    const occurring = new Set(everything.map((v) => `${v.from} -> ${v.to}`));
    expect(Object.keys(EXCEPTIONS).filter((e) => !occurring.has(e))).toEqual([]);
  });

  it("the build (tsconfig.build.json) leaves out every fixture, contract suite and test helper", () => {
    const exclude: string[] = JSON.parse(readFileSync(path.join(SRC, "../tsconfig.build.json"), "utf8")).exclude;
    const globs = exclude.map((g) => {
      const re = g
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*\*\//g, "\u0001")
        .replace(/\*/g, "[^/]*")
        .replaceAll("\u0001", "(?:.*/)?");
      return new RegExp(`^${re}(?:/.*)?$`);
    });
    const shipped = [...files.keys()]
      .filter((f) => isTestSupport(f) && !f.startsWith("web/"))
      .filter((f) => !globs.some((g) => g.test(`src/${f}`)));
    expect(shipped).toEqual([]);
    // and no shipped module imports one of them
    const importsOfTestCode = [...files]
      .filter(([f]) => !isTestSupport(f))
      .flatMap(([f, text]) =>
        [...text.matchAll(IMPORT_RE)]
          .map((m) => path.posix.join(path.posix.dirname(f), m[1]))
          .filter((to) => isTestSupport(to.replace(/\.js$/, ".ts")))
          .map((to) => `${f} -> ${to}`),
      );
    expect(importsOfTestCode).toEqual([]);
  });

  it("finds an upward import, a skipped face and test code in a stage, and accepts the face", () => {
    const fake = new Map([
      ["model/booster.ts", 'import { runPipeline } from "../pipeline/index.js";'],
      [
        "serve/app.ts",
        'import type { FeatureTable } from "../features/schema.js";\nimport { x } from "../model/index.js";',
      ],
      ["pipeline/run.ts", 'const m = await import("../test-support/cli.js");'],
      ["serve/app.test.ts", 'import { cityFixture } from "../features/city.fixture.js";'],
    ]);
    expect(violations(fake, {}).map((v) => `${v.from} -> ${v.to}`)).toEqual([
      "model/booster.ts -> pipeline/index.ts",
      "serve/app.ts -> features/schema.ts",
      "pipeline/run.ts -> test-support/cli.ts",
    ]);
  });
});
