import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The README's main job, as a new user runs it (on a small city): pipeline, then the service and page.
describe("rodent up", () => {
  it("trains a champion, serves it, prints the page's URL, and stops cleanly on SIGTERM", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "rodent-up-"));
    const p = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.resolve("src/cli/main.ts"),
        "up",
        "--port",
        "0",
        "--synth-scale",
        "0.05",
        "--synth-from",
        "2022-01-01",
        "--synth-to",
        "2023-12-31",
      ],
      {
        env: {
          ...process.env,
          RODENT_HOME: home,
          RODENT_DATA_DIR: path.resolve("../shared/data"),
          RODENT_LOG_LEVEL: "warn",
          RODENT_TRACKING_URI: "embedded",
          RODENT_STORE: "local",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    p.stderr.on("data", (d) => {
      err += d;
    });
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL after 240 s\n${out}\n${err.slice(-2000)}`)), 240_000);
      p.stdout.on("data", (d) => {
        out += d;
        const m = /web page:\s+(http:\/\/\S+?)\/\s/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
      p.on("exit", (code) => reject(new Error(`exited ${code}\n${out}\n${err.slice(-2000)}`)));
    });
    expect(out).toMatch(/champion/);
    expect(out).toMatch(/API docs:\s+http:\/\/\S+\/docs/);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const top = (await (await fetch(`${url}/v1/rankings?k=3`)).json()) as { items?: unknown[] };
    expect(JSON.stringify(top)).toMatch(/camis/);
    const exited = new Promise<number | null>((r) => p.on("exit", (c) => r(c)));
    p.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 300_000);

  it("--json prints one JSON line with the pipeline result and the URLs", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "rodent-up-json-"));
    const p = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.resolve("src/cli/main.ts"),
        "up",
        "--json",
        "--port",
        "0",
        "--synth-scale",
        "0.05",
        "--synth-from",
        "2022-01-01",
        "--synth-to",
        "2023-12-31",
      ],
      {
        env: {
          ...process.env,
          RODENT_HOME: home,
          RODENT_DATA_DIR: path.resolve("../shared/data"),
          RODENT_LOG_LEVEL: "warn",
          RODENT_TRACKING_URI: "embedded",
          RODENT_STORE: "local",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      const t = setTimeout(() => reject(new Error(`no JSON line after 240 s: ${out}`)), 240_000);
      p.stdout.on("data", (d) => {
        out += d;
        const nl = out.indexOf("\n");
        if (nl >= 0) {
          clearTimeout(t);
          resolve(out.slice(0, nl));
        }
      });
    });
    const doc = JSON.parse(line);
    expect(doc.pipeline.champion).toEqual({ version: "1" });
    expect(doc.url).toMatch(/^http:\/\/.+\/$/);
    expect(doc.docs).toMatch(/\/docs$/);
    const exited = new Promise<number | null>((r) => p.on("exit", (c) => r(c)));
    p.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 300_000);
});
