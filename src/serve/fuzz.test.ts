// The service against an OpenAPI fuzzer (docs/hardening.md): schemathesis, from the cached venv (scripts/tools.sh), generates
// requests from /openapi.json with a fixed seed and budget and sends them to a listening service over loopback.
// Fails on any 5xx or any response the document does not allow (status, content type, headers, body schema), on a
// request against the schema that is accepted, a valid one that is refused, or an undeclared method that is not
// 405. Repeatable: same seed, same requests.
//
// Two decisions written into the configuration below:
// - 413 counts as a rejection of a schema-violating request (more than 1000 rows is "too large", RFC 9110 §15.5.14;
//   schemathesis's default list lacks it).
// - The stateful phase is not run: the API creates no resources, and the one link schemathesis infers (the map's
//   `camis` array → the `camis` path parameter) passes a whole array as one id.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listeningService, type TestService } from "./test-helper.js";

const VENV_BIN = process.env.RODENT_TEST_VENV_BIN ?? path.join(os.homedir(), ".cache", "rodent-risk", "venv", "bin");
const SCHEMATHESIS = path.join(VENV_BIN, "schemathesis");
const TOKEN = "fuzz-admin-token-0123456789";
const SEED = 16;
const EXAMPLES = 60;

let svc: TestService & { base: string };
let dir = "";
beforeAll(async () => {
  // Fail, never skip: the test command installs it (scripts/tools.sh python).
  if (!existsSync(SCHEMATHESIS)) throw new Error(`${SCHEMATHESIS} is missing: run bash scripts/tools.sh python`);
  dir = mkdtempSync(path.join(os.tmpdir(), "rodent-fuzz-"));
  svc = await listeningService({ adminToken: TOKEN });
});
afterAll(async () => {
  await svc?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: dir, timeout: 240_000, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: "1" } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, out: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe("OpenAPI fuzzing (schemathesis, fixed seed and budget)", () => {
  it("finds no 5xx and no response that breaks the document", async () => {
    const config = path.join(dir, "schemathesis.toml");
    writeFileSync(
      config,
      "[checks.negative_data_rejection]\nexpected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]\n",
    );
    const { code, out } = await run(SCHEMATHESIS, [
      "--config-file",
      config,
      "run",
      `${svc.base}/openapi.json`,
      "--checks",
      "all",
      "--phases",
      "examples,coverage,fuzzing",
      "--seed",
      String(SEED),
      "--max-examples",
      String(EXAMPLES),
      "--workers",
      "1",
      "--no-shrink",
      "--continue-on-failure",
      "--request-timeout",
      "20",
      "--header",
      `Authorization: Bearer ${TOKEN}`,
      "--output-truncate",
      "true",
    ]);
    // The summary names every failure and how to reproduce it; long request bodies are cut.
    const report = out
      .split("\n")
      .map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l))
      .join("\n");
    expect(code, report.slice(-12_000)).toBe(0);
    const generated = Number(/(\d+) generated/.exec(out)?.[1] ?? 0);
    expect(generated, "test cases generated").toBeGreaterThan(500);

    // And from the service's side: not one 5xx among everything it answered.
    const metrics = (await svc.app.inject("/metrics")).body;
    const fiveXX = metrics.split("\n").filter((l) => /^rodent_http_requests_total\{.*status_code="5\d\d"/.test(l));
    expect(fiveXX).toEqual([]);
  }, 300_000);
});
