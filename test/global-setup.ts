// Starts the real servers the suite talks to, once per `vitest run`, and stops them afterwards:
//  - moto_server: an S3-compatible HTTP server (Python, Apache-2.0). We chose it over MinIO because
//    MinIO's server is AGPL and heavy to build from source here; moto speaks the S3 REST protocol,
//    including path-style addressing, which is all @aws-sdk/client-s3 needs.
//  - mlflow server: the real MLflow tracking server, SQLite backend, --serve-artifacts.
// Both come from the cached virtualenv that scripts/tools.sh builds. Set RODENT_TEST_NO_SERVERS=1 for a
// quick local run of pure unit tests; the server-backed tests then fail loudly, they never skip.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const CACHE = process.env.RODENT_TOOLS_CACHE ?? path.join(os.homedir(), ".cache", "rodent-risk");
const VENV_BIN = path.join(CACHE, "venv", "bin");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitHttp(url: string, timeoutMs: number, proc: ChildProcess, name: string): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with code ${proc.exitCode} before it was ready`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${name} did not answer at ${url} within ${timeoutMs} ms`);
}

const procs: ChildProcess[] = [];
let workDir = "";

export async function setup(): Promise<void> {
  process.env.RODENT_TEST_TOOLS_CACHE = CACHE;
  process.env.RODENT_TEST_VENV_BIN = VENV_BIN;
  if (process.env.RODENT_TEST_NO_SERVERS === "1") return;
  workDir = mkdtempSync(path.join(os.tmpdir(), "rodent-servers-"));

  const s3Port = await freePort();
  const moto = spawn(path.join(VENV_BIN, "moto_server"), ["-H", "127.0.0.1", "-p", String(s3Port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  procs.push(moto);
  const s3Url = `http://127.0.0.1:${s3Port}`;

  const mlPort = await freePort();
  const mlDir = path.join(workDir, "mlflow");
  mkdirSync(mlDir, { recursive: true });
  const mlflow = spawn(
    path.join(VENV_BIN, "mlflow"),
    [
      "server",
      "--host",
      "127.0.0.1",
      "--port",
      String(mlPort),
      "--workers",
      "1",
      "--backend-store-uri",
      `sqlite:///${path.join(mlDir, "mlflow.db")}`,
      "--serve-artifacts",
      "--artifacts-destination",
      path.join(mlDir, "artifacts"),
    ],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false" } },
  );
  procs.push(mlflow);
  let mlErr = "";
  mlflow.stderr?.on("data", (d) => {
    mlErr = (mlErr + d).slice(-4000);
  });
  const mlUrl = `http://127.0.0.1:${mlPort}`;
  try {
    await waitHttp(`${s3Url}/`, 60_000, moto, "moto_server");
    await waitHttp(`${mlUrl}/health`, 150_000, mlflow, "mlflow server");
  } catch (e) {
    await teardown();
    throw new Error(`${(e as Error).message}\n${mlErr}\nRun: bash scripts/tools.sh python`);
  }
  process.env.RODENT_TEST_S3_ENDPOINT = s3Url;
  process.env.RODENT_TEST_MLFLOW_URI = mlUrl;
}

export async function teardown(): Promise<void> {
  for (const p of procs) {
    if (p.exitCode === null) p.kill("SIGTERM");
  }
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((r) => {
          if (p.exitCode !== null) return r();
          const t = setTimeout(() => {
            p.kill("SIGKILL");
            r();
          }, 5000);
          p.on("exit", () => {
            clearTimeout(t);
            r();
          });
        }),
    ),
  );
  procs.length = 0;
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}
