import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliEnv } from "../../test-support/cli.js";

// The README's main job, as a new user runs it (on a small city): pipeline, then the service and page.
const SMALL = ["--port", "0", "--synth-scale", "0.05", "--synth-from", "2022-01-01", "--synth-to", "2023-12-31"];

/** Start `rodent up`, resolve with the process and its stdout once `ready(stdout)` matches. */
function up(
  args: string[],
  ready: (out: string) => string | null,
): Promise<{ p: ChildProcess; found: string; out: string }> {
  const home = mkdtempSync(path.join(os.tmpdir(), "rodent-up-"));
  const p = spawn(process.execPath, ["--import", "tsx", path.resolve("src/cli/main.ts"), "up", ...args, ...SMALL], {
    env: cliEnv(home),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  p.stderr?.on("data", (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`not ready after 240 s\n${out}\n${err.slice(-2000)}`)), 240_000);
    p.stdout?.on("data", (d) => {
      out += d;
      const found = ready(out);
      if (found !== null) {
        clearTimeout(t);
        resolve({ p, found, out });
      }
    });
    p.on("exit", (code) => reject(new Error(`exited ${code}\n${out}\n${err.slice(-2000)}`)));
  });
}

async function stop(p: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => p.on("exit", (c) => r(c)));
  p.kill("SIGTERM");
  return exited;
}

describe("rodent up", () => {
  it("trains a champion, serves it, prints the page's URL, and stops cleanly on SIGTERM", async () => {
    const { p, found: url, out } = await up([], (o) => /web page:\s+(http:\/\/\S+?)\/\s/.exec(o)?.[1] ?? null);
    expect(out).toMatch(/champion/);
    expect(out).toMatch(/API docs:\s+http:\/\/\S+\/docs/);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const top = (await (await fetch(`${url}/v1/rankings?k=3`)).json()) as { items?: unknown[] };
    expect(JSON.stringify(top)).toMatch(/camis/);
    expect(await stop(p)).toBe(0);
  }, 300_000);

  it("--json prints one JSON line with the pipeline result and the URLs", async () => {
    const { p, found: line } = await up(["--json"], (o) => (o.includes("\n") ? o.slice(0, o.indexOf("\n")) : null));
    const doc = JSON.parse(line);
    expect(doc.pipeline.champion).toEqual({ version: "1" });
    expect(doc.url).toMatch(/^http:\/\/.+\/$/);
    expect(doc.docs).toMatch(/\/docs$/);
    expect(await stop(p)).toBe(0);
  }, 300_000);
});
