import { type ErrorCode, RodentError } from "../errors.js";

// Thin client for an MLflow tracking server: one table of operations → (path, method), one call helper with
// auth, retries and error mapping. Replies are returned as MLflow's JSON; mlflow-tracker.ts and
// mlflow-registry.ts turn them into our entities.

export const ENDPOINTS = {
  getExperimentByName: ["experiments/get-by-name", "GET"],
  createExperiment: ["experiments/create", "POST"],
  restoreExperiment: ["experiments/restore", "POST"],
  searchExperiments: ["experiments/search", "POST"],
  createRun: ["runs/create", "POST"],
  updateRun: ["runs/update", "POST"],
  getRun: ["runs/get", "GET"],
  searchRuns: ["runs/search", "POST"],
  logBatch: ["runs/log-batch", "POST"],
  getMetricHistory: ["metrics/get-history", "GET"],
  createRegisteredModel: ["registered-models/create", "POST"],
  getRegisteredModel: ["registered-models/get", "GET"],
  createModelVersion: ["model-versions/create", "POST"],
  getModelVersion: ["model-versions/get", "GET"],
  searchModelVersions: ["model-versions/search", "GET"],
  setModelVersionTag: ["model-versions/set-tag", "POST"],
  setAlias: ["registered-models/alias", "POST"],
  getAlias: ["registered-models/alias", "GET"],
  // MLflow reads DELETE parameters from the JSON body, not the query string.
  deleteAlias: ["registered-models/alias", "DELETE"],
} as const satisfies Record<string, readonly [string, "GET" | "POST" | "DELETE"]>;
export type Operation = keyof typeof ENDPOINTS;

/** MLflow's error_code → ours. Anything not listed becomes RODENT_ERR_TRACKING. */
export const MLFLOW_ERROR_CODES: Record<string, ErrorCode> = {
  RESOURCE_DOES_NOT_EXIST: "RODENT_ERR_NOT_FOUND",
  NOT_FOUND: "RODENT_ERR_NOT_FOUND",
  RESOURCE_ALREADY_EXISTS: "RODENT_ERR_ALREADY_EXISTS",
  ALREADY_EXISTS: "RODENT_ERR_ALREADY_EXISTS",
  RESOURCE_CONFLICT: "RODENT_ERR_CONFLICT",
  ABORTED: "RODENT_ERR_CONFLICT",
  INVALID_PARAMETER_VALUE: "RODENT_ERR_INVALID_ARGUMENT",
  BAD_REQUEST: "RODENT_ERR_INVALID_ARGUMENT",
};

/** HTTP status → ours, when the reply carries no MLflow error_code (a proxy, the artifact endpoints). */
function codeForStatus(status: number): ErrorCode {
  if (status === 404) return "RODENT_ERR_NOT_FOUND";
  if (status === 409) return "RODENT_ERR_CONFLICT";
  return "RODENT_ERR_TRACKING";
}

export interface MlflowRestOptions {
  /** Server base URL, e.g. http://host:5000 (no trailing slash needed). */
  uri: string;
  token?: string;
  username?: string;
  password?: string;
  /** Retries after the first attempt on 429, 5xx and connection errors (default 5). */
  maxRetries?: number;
  /** First backoff delay; doubles per retry with full jitter, capped at 8 s (default 250 ms). */
  backoffMs?: number;
  /** Per-request timeout (default 120 s). */
  timeoutMs?: number;
}

type Body = Record<string, unknown>;

export class MlflowRest {
  readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;

  constructor(opts: MlflowRestOptions) {
    this.base = opts.uri.replace(/\/+$/, "");
    this.headers = {};
    if (opts.token) this.headers.authorization = `Bearer ${opts.token}`;
    else if (opts.username !== undefined && opts.password !== undefined) {
      this.headers.authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString("base64")}`;
    }
    this.maxRetries = opts.maxRetries ?? 5;
    this.backoffMs = opts.backoffMs ?? 250;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  /** Call one REST operation; resolves to the parsed JSON reply or rejects with a mapped RodentError. */
  async call<T = Body>(op: Operation, body: Body = {}): Promise<T> {
    const [endpoint, method] = ENDPOINTS[op];
    let url = `${this.base}/api/2.0/mlflow/${endpoint}`;
    const init: RequestInit = { method, headers: { ...this.headers } };
    if (method === "GET") {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) if (v !== undefined && v !== null) q.append(k, String(v));
      if ([...q].length) url += `?${q}`;
    } else {
      (init.headers as Record<string, string>)["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await this.fetchWithRetry(url, () => init, `${method} ${endpoint}`);
    const text = await res.text();
    if (!res.ok) throw this.errorFrom(res.status, text, `${method} ${endpoint}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** Raw request against the artifact proxy (/api/2.0/mlflow-artifacts/artifacts…). Non-2xx become RodentErrors. */
  async artifacts(
    method: "GET" | "PUT",
    pathAndQuery: string,
    body?: () => { body: NonNullable<RequestInit["body"]>; duplex?: "half" },
  ): Promise<Response> {
    const url = `${this.base}/api/2.0/mlflow-artifacts/artifacts${pathAndQuery}`;
    const what = `${method} mlflow-artifacts${pathAndQuery.split("?")[0]}`;
    const res = await this.fetchWithRetry(
      url,
      () => ({ method, headers: { ...this.headers }, ...(body ? body() : {}) }) as RequestInit,
      what,
    );
    if (!res.ok) throw this.errorFrom(res.status, await res.text(), what);
    return res;
  }

  /** Retries on connection errors, 429 and transient 5xx; the request is rebuilt per attempt (streams are one-shot). */
  private async fetchWithRetry(url: string, init: () => RequestInit, what: string): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let res: Response | undefined;
      let netErr: unknown;
      try {
        res = await fetch(url, { ...init(), signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (e) {
        netErr = e;
      }
      const retryable = res ? await isRetryable(res) : true;
      if (!retryable && res) return res;
      if (attempt >= this.maxRetries) {
        if (res) return res;
        const cause = netErr as Error & { cause?: Error };
        throw new RodentError(
          "RODENT_ERR_TRACKING",
          `MLflow server ${this.base} unreachable (${what}): ${cause?.cause?.message ?? cause?.message} after ${attempt + 1} attempts`,
          { uri: this.base },
          { cause: netErr },
        );
      }
      const retryAfter = Number(res?.headers.get("retry-after"));
      const delay =
        Number.isFinite(retryAfter) && retryAfter > 0
          ? Math.min(retryAfter * 1000, 30_000)
          : Math.random() * Math.min(8000, this.backoffMs * 2 ** attempt);
      await res?.body?.cancel().catch(() => {});
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private errorFrom(status: number, text: string, what: string): RodentError {
    let code: ErrorCode = codeForStatus(status);
    let serverCode: string | undefined;
    let message = text.slice(0, 500);
    try {
      const j = JSON.parse(text) as { error_code?: string; message?: string };
      if (j.error_code) {
        serverCode = j.error_code;
        code = MLFLOW_ERROR_CODES[j.error_code] ?? code;
      }
      if (j.message) message = j.message;
    } catch {
      /* not JSON: keep the text */
    }
    if (status === 401 || status === 403) {
      code = "RODENT_ERR_TRACKING";
      message = `not authorized (HTTP ${status}); check MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD. ${message}`;
    }
    return new RodentError(code, `MLflow ${what}: ${serverCode ? `${serverCode}: ` : ""}${message}`, {
      status,
      mlflowCode: serverCode,
    });
  }
}

// Retry what may succeed later: rate limits, gateway errors, and 500s that are not a deterministic MLflow
// error (a locked SQLite backend reports INTERNAL_ERROR and does go away).
async function isRetryable(res: Response): Promise<boolean> {
  if (res.status === 429 || res.status === 502 || res.status === 503 || res.status === 504) return true;
  if (res.status !== 500) return false;
  try {
    const j = (await res.clone().json()) as { error_code?: string };
    return !j.error_code || j.error_code === "INTERNAL_ERROR" || j.error_code === "TEMPORARILY_UNAVAILABLE";
  } catch {
    return true;
  }
}

/** MLflow's filter grammar has no escapes: quote with whichever quote the value lacks. */
export function quoteFilterValue(v: string): string {
  if (!v.includes("'")) return `'${v}'`;
  if (!v.includes('"')) return `"${v}"`;
  throw new RodentError(
    "RODENT_ERR_INVALID_ARGUMENT",
    `filter value ${JSON.stringify(v)}: MLflow cannot search a value with both ' and "`,
  );
}
