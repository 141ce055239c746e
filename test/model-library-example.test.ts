// The "train on a CSV in ten lines" example of docs/model-library.md, run as a user would: the code block is taken
// from the doc as it is, placed in a fresh folder beside a generated inspections.csv, and run by node against the
// built package through its `rodent-risk/model` export (node_modules/rodent-risk links to this repository).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rng } from "../src/model/random.js";
import { ensureBuilt } from "../src/test-support/build.js";

const REPO = path.resolve(import.meta.dirname, "..");
const DOC = path.join(REPO, "docs/model-library.md");

/** The fenced js block after the `example: train-csv` marker. */
function exampleBlock(): string {
  const text = readFileSync(DOC, "utf8");
  const m = text.match(/<!-- example: train-csv[^>]*-->\s*```js\n([\s\S]*?)```/);
  if (!m) throw new Error(`${DOC}: no js block after <!-- example: train-csv -->`);
  return m[1];
}

/** An inspection-like CSV: quoted categorical levels with commas, "NA" and empty cells, a 0/1 label. */
function inspectionsCsv(rows: number): string {
  const r = rng(11);
  const types = ["Restaurant", "Grocery Store", "School", '"Bakery, Retail"', "Daycare (2 - 6 Years)"];
  const lines = ["facility_type,risk,past_critical,time_since_last,first_record,critical_found"];
  for (let i = 0; i < rows; i++) {
    const t = Math.floor(r() * types.length);
    const risk = 1 + Math.floor(r() * 3);
    const past = Math.floor(-Math.log(Math.max(r(), 1e-9)) * 1.2);
    const first = r() < 0.15;
    const since = first ? "NA" : r() < 0.05 ? "" : (r() * 2).toFixed(3);
    const z = -1.6 + (t === 1 ? 1 : t === 2 ? -0.8 : 0) + 0.5 * Math.min(past, 4) + (risk === 1 ? 0.5 : 0);
    const y = r() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    lines.push([types[t], `"Risk ${risk}"`, past, since, first ? 1 : 0, y].join(","));
  }
  return `${lines.join("\n")}\n`;
}

describe("docs/model-library.md example", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-lib-"));
  beforeAll(async () => {
    await ensureBuilt(REPO, path.join(REPO, "dist/model/index.js"));
    mkdirSync(path.join(dir, "node_modules"));
    symlinkSync(REPO, path.join(dir, "node_modules/rodent-risk"), "dir");
    writeFileSync(path.join(dir, "inspections.csv"), inspectionsCsv(3000));
    writeFileSync(path.join(dir, "example.mjs"), exampleBlock());
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is ten lines, imports only the package's export, and trains, evaluates and prints on a CSV", async () => {
    const code = exampleBlock();
    expect(code.trimEnd().split("\n").length).toBeLessThanOrEqual(10);
    expect(code).toMatch(/from "rodent-risk\/model"/);
    const { status, stdout, stderr } = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const p = spawn(process.execPath, ["example.mjs"], { cwd: dir });
        let stdout = "";
        let stderr = "";
        p.stdout.on("data", (d) => {
          stdout += d;
        });
        p.stderr.on("data", (d) => {
          stderr += d;
        });
        p.on("close", (c) => resolve({ status: c, stdout, stderr }));
      },
    );
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const auc = Number(stdout.match(/\bauc: ([0-9.]+)/)?.[1]);
    expect(auc).toBeGreaterThan(0.65);
    expect(stdout).toMatch(/precision_at: \{/);
    expect(stdout).toMatch(/n: \d{3},/);
  });

  it("runs the worker thread from the built package: 1 and 2 threads train the same model", async () => {
    // 20,000 rows: enough for the engine to hand the worker half of the gradients, histograms and partitions
    writeFileSync(
      path.join(dir, "threads.mjs"),
      `import { train } from "rodent-risk/model";
const n = 20000;
let s = 7;
const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
const t = { a: new Float64Array(n), b: new Float64Array(n), c: new Float64Array(n), y: new Float64Array(n) };
for (let i = 0; i < n; i++) {
  t.a[i] = r(); t.b[i] = r() < 0.1 ? NaN : r(); t.c[i] = r();
  t.y[i] = r() < 1 / (1 + Math.exp(-(3 * t.a[i] - 2 * (t.b[i] || 0) - 0.5))) ? 1 : 0;
}
const p = { n_estimators: 8, max_depth: 5, subsample: 0.8 };
const one = await train(t, { label: "y", params: { ...p, nthread: 1 } });
const two = await train(t, { label: "y", params: { ...p, nthread: 2 } });
const a = one.predictMargin(t), b = two.predictMargin(t);
console.log(JSON.stringify({ threads: two.model.meta.training.threads, same: a.every((v, i) => v === b[i]) }));
`,
    );
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, ["threads.mjs"], { cwd: dir });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d) => {
        stdout += d;
      });
      p.stderr.on("data", (d) => {
        stderr += d;
      });
      p.on("close", (c) => (c === 0 ? resolve(stdout) : reject(new Error(`exit ${c}: ${stderr}`))));
    });
    expect(JSON.parse(out)).toEqual({ threads: 2, same: true });
  });

  it("the export is the only way in: deep imports of the package are refused", async () => {
    writeFileSync(path.join(dir, "deep.mjs"), 'import "rodent-risk/dist/model/index.js";\n');
    const status = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, ["deep.mjs"], { cwd: dir, stdio: "ignore" }).on("close", resolve);
    });
    expect(status).not.toBe(0);
  });
});
