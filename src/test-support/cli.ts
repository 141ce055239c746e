import { spawn } from "node:child_process";
import path from "node:path";

/** Runs `rodent …` as a real process (tsx on the sources) with the given environment; for CLI tests. */
export function cliRunner(env: NodeJS.ProcessEnv) {
  const main = path.resolve("src/cli/main.ts");
  return (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const p = spawn(process.execPath, ["--import", "tsx", main, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d) => {
        stdout += d;
      });
      p.stderr.on("data", (d) => {
        stderr += d;
      });
      p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
}

/** The environment of a CLI test: its own RODENT_HOME, the reference data beside the repo, embedded defaults. */
export function cliEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    RODENT_HOME: home,
    RODENT_DATA_DIR: path.resolve("../shared/data"),
    RODENT_LOG_LEVEL: "warn",
    RODENT_TRACKING_URI: "embedded",
    RODENT_STORE: "local",
    RODENT_SOURCE: "", // unset: a deployment's source in the outer environment must not leak into tests
    ...extra,
  };
}
