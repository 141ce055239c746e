// The REST client's own behaviour (auth headers, retries, error mapping) against a scripted local HTTP server:
// the network edge is the only thing replaced; the contract suite runs the same client on a real MLflow.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isRodentError, type RodentError } from "../errors.js";
import { MlflowRest } from "./mlflow-rest.js";

interface Seen {
  method: string;
  url: string;
  auth?: string;
  body: string;
}
type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

let server: http.Server;
let base = "";
let seen: Seen[] = [];
let replies: Reply[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const r = replies.shift() ?? { status: 200, body: {} };
      res.writeHead(r.status, { "content-type": "application/json", ...r.headers });
      res.end(typeof r.body === "string" ? r.body : JSON.stringify(r.body ?? {}));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
  replies = [];
});

async function failure(p: Promise<unknown>): Promise<RodentError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isRodentError(e)) throw new Error(`expected a RodentError, got ${String(e)}`);
  return e;
}

describe("MlflowRest", () => {
  it("sends GET parameters as a query and POST bodies as JSON, with a bearer token", async () => {
    const rest = new MlflowRest({ uri: `${base}/`, token: "tok-123" });
    replies = [
      { status: 200, body: { experiment: { experiment_id: "4" } } },
      { status: 200, body: {} },
    ];
    const got = await rest.call<{ experiment: { experiment_id: string } }>("getExperimentByName", {
      experiment_name: "a b",
    });
    expect(got.experiment.experiment_id).toBe("4");
    await rest.call("updateRun", { run_id: "r", status: "FINISHED" });
    expect(seen[0]).toMatchObject({
      method: "GET",
      url: "/api/2.0/mlflow/experiments/get-by-name?experiment_name=a+b",
      auth: "Bearer tok-123",
    });
    expect(seen[1].method).toBe("POST");
    expect(seen[1].url).toBe("/api/2.0/mlflow/runs/update");
    expect(JSON.parse(seen[1].body)).toEqual({ run_id: "r", status: "FINISHED" });
  });

  it("uses basic auth from username and password", async () => {
    const rest = new MlflowRest({ uri: base, username: "ann", password: "s3cret" });
    await rest.call("getRun", { run_id: "r" });
    expect(seen[0].auth).toBe(`Basic ${Buffer.from("ann:s3cret").toString("base64")}`);
  });

  it("retries 429 and 503 with backoff, then succeeds", async () => {
    const rest = new MlflowRest({ uri: base, backoffMs: 5 });
    replies = [
      { status: 429, body: { error_code: "REQUEST_LIMIT_EXCEEDED" } },
      { status: 503, body: "upstream down" },
      { status: 500, body: { error_code: "INTERNAL_ERROR", message: "database is locked" } },
      { status: 200, body: { run: { info: { run_id: "r" } } } },
    ];
    const got = await rest.call<{ run: { info: { run_id: string } } }>("getRun", { run_id: "r" });
    expect(got.run.info.run_id).toBe("r");
    expect(seen).toHaveLength(4);
  });

  it("gives up after maxRetries and reports the last failure as RODENT_ERR_TRACKING", async () => {
    const rest = new MlflowRest({ uri: base, backoffMs: 1, maxRetries: 2 });
    replies = [{ status: 502 }, { status: 502 }, { status: 502, body: "bad gateway" }, { status: 200 }];
    const e = await failure(rest.call("getRun", { run_id: "r" }));
    expect(e.code).toBe("RODENT_ERR_TRACKING");
    expect(seen).toHaveLength(3);
  });

  it("maps MLflow error codes to ours without retrying them", async () => {
    const rest = new MlflowRest({ uri: base, backoffMs: 1 });
    const cases: [string, number, string][] = [
      ["RESOURCE_DOES_NOT_EXIST", 404, "RODENT_ERR_NOT_FOUND"],
      ["RESOURCE_ALREADY_EXISTS", 400, "RODENT_ERR_ALREADY_EXISTS"],
      ["RESOURCE_CONFLICT", 409, "RODENT_ERR_CONFLICT"],
      ["INVALID_PARAMETER_VALUE", 400, "RODENT_ERR_INVALID_ARGUMENT"],
      ["PERMISSION_DENIED", 403, "RODENT_ERR_TRACKING"],
      ["SOMETHING_NEW", 400, "RODENT_ERR_TRACKING"],
    ];
    for (const [mlflowCode, status, ours] of cases) {
      seen = [];
      replies = [{ status, body: { error_code: mlflowCode, message: "msg" } }];
      const e = await failure(rest.call("getRun", { run_id: "r" }));
      expect(e.code).toBe(ours);
      expect(e.details?.mlflowCode).toBe(mlflowCode);
      expect(seen).toHaveLength(1);
    }
  });

  it("retries connection errors and then reports the server as unreachable", async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const rest = new MlflowRest({ uri: `http://127.0.0.1:${port}`, backoffMs: 1, maxRetries: 2 });
    const e = await failure(rest.call("getRun", { run_id: "r" }));
    expect(e.code).toBe("RODENT_ERR_TRACKING");
    expect(e.message).toContain("unreachable");
    expect(e.message).toContain("3 attempts");
  });
});
