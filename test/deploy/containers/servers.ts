// The platform's roles for the container tests, on 127.0.0.1 (the containers use host networking):
//  - an S3-compatible server (moto) and an MLflow tracking server of their own: the suite's shared MLflow serves
//    other test files that register versions of the same model name and move its aliases;
//  - an Argo Server stand-in: HTTPS with a self-signed CA (as Argo Server installs by default), bearer-token auth,
//    recording every submission and answering with a Workflow as the real API does.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const VENV_BIN = path.join(
  process.env.RODENT_TOOLS_CACHE ?? path.join(os.homedir(), ".cache", "rodent-risk"),
  "venv",
  "bin",
);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export async function waitHttp(url: string, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const t0 = Date.now();
  let last = "";
  while (Date.now() - t0 < timeoutMs) {
    if (!alive()) throw new Error(`the server behind ${url} exited`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last})`);
}

export interface Platform {
  s3: string;
  mlflow: string;
  stop(): Promise<void>;
}

export async function startPlatform(): Promise<Platform> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-e2e-platform-"));
  const procs: ChildProcess[] = [];
  const s3Port = await freePort();
  const moto = spawn(path.join(VENV_BIN, "moto_server"), ["-H", "127.0.0.1", "-p", String(s3Port)], {
    stdio: "ignore",
  });
  procs.push(moto);
  const mlPort = await freePort();
  mkdirSync(path.join(dir, "mlflow"));
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
      `sqlite:///${path.join(dir, "mlflow", "mlflow.db")}`,
      "--serve-artifacts",
      "--artifacts-destination",
      path.join(dir, "mlflow", "artifacts"),
    ],
    { stdio: "ignore", env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false" } },
  );
  procs.push(mlflow);
  const stop = async () => {
    for (const p of procs) if (p.exitCode === null) p.kill("SIGTERM");
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
  };
  try {
    await waitHttp(`http://127.0.0.1:${s3Port}/`, 60_000, () => moto.exitCode === null);
    await waitHttp(`http://127.0.0.1:${mlPort}/health`, 180_000, () => mlflow.exitCode === null);
  } catch (e) {
    await stop();
    throw e;
  }
  return { s3: `http://127.0.0.1:${s3Port}`, mlflow: `http://127.0.0.1:${mlPort}`, stop };
}

export interface Submission {
  path: string;
  authorization: string | undefined;
  body: {
    namespace: string;
    resourceKind: string;
    resourceName: string;
    submitOptions: { generateName?: string; labels?: string; parameters?: string[] };
  };
  name: string;
}

export interface ArgoStandIn {
  url: string;
  /** PEM of the CA that signed the server certificate (what ConfigMap argo-server-ca carries). */
  caPem: string;
  token: string;
  submissions: Submission[];
  close(): Promise<void>;
}

/** Argo Server's submit endpoint over TLS with a certificate from a CA of its own (openssl, as cert-manager would). */
export async function startArgoStandIn(token: string): Promise<ArgoStandIn> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-argo-"));
  const o = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  o(
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2"].concat([
      "-subj",
      "/CN=rodent-test-argo-ca",
    ]),
  );
  o(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost"]);
  require_ext(dir);
  o(
    [
      "x509",
      "-req",
      "-in",
      "srv.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "srv.crt",
    ].concat(["-days", "2", "-extfile", "ext.cnf"]),
  );
  const submissions: Submission[] = [];
  let n = 0;
  const server = https.createServer(
    { key: readFileSync(path.join(dir, "srv.key")), cert: readFileSync(path.join(dir, "srv.crt")) },
    (req, res) => {
      let text = "";
      req.on("data", (d) => {
        text += d;
      });
      req.on("end", () => {
        const m = /^\/api\/v1\/workflows\/([^/]+)\/submit$/.exec(req.url ?? "");
        if (req.method !== "POST" || !m) {
          res.writeHead(404).end("{}");
          return;
        }
        if (req.headers.authorization !== `Bearer ${token}`) {
          res.writeHead(401, { "content-type": "application/json" }).end('{"code":16,"message":"Unauthorized"}');
          return;
        }
        const body = JSON.parse(text) as Submission["body"];
        const name = `${body.submitOptions?.generateName ?? "wf-"}${String(++n).padStart(5, "0")}`;
        submissions.push({ path: req.url!, authorization: req.headers.authorization, body, name });
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ metadata: { name, namespace: decodeURIComponent(m[1]!) }, spec: {}, status: {} }));
      });
    },
  );
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `https://localhost:${port}`,
    caPem: readFileSync(path.join(dir, "ca.crt"), "utf8"),
    token,
    submissions,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function require_ext(dir: string): void {
  execFileSync("sh", ["-c", "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf"], { cwd: dir });
}
