// The data commands end to end, as a user runs them: `rodent ingest|snapshots|validate --json`.
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { INSPECTION_HEADER, inspectionRow, tmpDir, writeDataFile } from "../../data/ingest/ingest.fixture.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const TSX = path.join(REPO, "node_modules", ".bin", "tsx");

async function rodent(home: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [path.join(REPO, "src/cli/main.ts"), ...args], {
      env: { ...process.env, RODENT_HOME: home, RODENT_LOG_LEVEL: "warn" },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe("rodent ingest / snapshots / validate", () => {
  it("prints the documented JSON and exits with codes", async () => {
    const home = tmpDir("rodent-home-");
    const root = tmpDir();
    writeDataFile(
      root,
      "inspections",
      "x.csv",
      `${INSPECTION_HEADER}\n${inspectionRow()}\n${inspectionRow({ CAMIS: "2", BORO: "Narnia" })}\n`,
    );
    const [ing, val] = await Promise.all([
      rodent(home, "ingest", "--source", `dir:${root}`, "--json"),
      rodent(home, "validate", root, "--json"),
    ]);
    expect(ing.code, ing.stderr).toBe(0);
    const doc = JSON.parse(ing.stdout);
    expect(Object.keys(doc).sort()).toEqual(["datasets", "reused", "snapshot"]);
    expect(doc.datasets).toEqual({
      inspections: { rows: 1, quarantined: 1, min_date: "2023-05-01", max_date: "2023-05-01" },
    });
    expect(JSON.parse(val.stdout).datasets.inspections.by_reason).toEqual({ unknown_borough: 1 });

    const list = await rodent(home, "snapshots", "--json");
    expect(JSON.parse(list.stdout).snapshots.map((s: { id: string }) => s.id)).toEqual([doc.snapshot]);

    const human = await rodent(home, "ingest", "--source", `dir:${root}`);
    expect(human.stdout).toContain(`snapshot ${doc.snapshot} (identical snapshot already existed; reused)`);
    expect(human.stdout).toMatch(/inspections\s+2\s+1\s+1/);

    writeDataFile(root, "inspections", "y.csv", "CAMIS,DBA\n1,x\n");
    const bad = await rodent(home, "ingest", "--source", `dir:${root}`, "--json");
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("RODENT_ERR_FILE_FORMAT");
    expect(bad.stderr).toContain("y.csv");
  });
});
