import path from "node:path";
import { z } from "zod";
import { RodentError } from "../errors.js";

// All configuration is read here, once, validated and frozen. No other module reads process.env.
const Env = z.object({
  RODENT_HOME: z.string().min(1).default(".rodent"),
  RODENT_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  RODENT_DATA_DIR: z.string().min(1).default("../shared/data"),
  // The deployment's source: what every training path (pipeline run, schedule, monitor check, Argo) ingests.
  // Unset: the champion's recorded source, or the embedded demo's synth:1 on an empty home (docs/monitoring.md).
  RODENT_SOURCE: z
    .string()
    .regex(/^(socrata|synth(:\d+)?|dir:.+)$/, "expected socrata, dir:PATH or synth[:SEED]")
    .optional(),
  // Object store: "local" (a folder under RODENT_HOME) or "s3" (any S3-compatible server).
  RODENT_STORE: z.enum(["local", "s3"]).default("local"),
  RODENT_S3_BUCKET: z.string().min(3).optional(),
  RODENT_S3_PREFIX: z.string().default(""),
  RODENT_S3_ENDPOINT: z.url().optional(),
  RODENT_S3_REGION: z.string().default("us-east-1"),
  RODENT_S3_FORCE_PATH_STYLE: z.enum(["true", "false"]).default("true"),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  // Tracking/registry: "embedded" (SQLite under RODENT_HOME) or an http(s) URL of an MLflow server.
  RODENT_TRACKING_URI: z.union([z.literal("embedded"), z.url()]).default("embedded"),
  MLFLOW_TRACKING_TOKEN: z.string().optional(),
  MLFLOW_TRACKING_USERNAME: z.string().optional(),
  MLFLOW_TRACKING_PASSWORD: z.string().optional(),
  // NYC Open Data
  RODENT_SOCRATA_URL: z.url().default("https://data.cityofnewyork.us"),
  SOCRATA_APP_TOKEN: z.string().optional(),
  // Service
  RODENT_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  RODENT_HOST: z.string().default("127.0.0.1"),
  RODENT_ADMIN_TOKEN: z.string().min(16).optional(),
  RODENT_MODEL_URI: z.string().default("models:/rodent-risk@champion"),
  RODENT_CANARY_SHARE: z.coerce.number().min(0).max(1).default(0.1),
  RODENT_POLL_SECONDS: z.coerce.number().min(0).default(30),
  // Slow clients (docs/serving.md, Limits): whole request, headers, idle socket; admin requests per minute per IP.
  RODENT_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  RODENT_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  RODENT_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  RODENT_ADMIN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10),
  // The web page's data-age badge turns red when the data is older than this many days (docs/web.md).
  RODENT_STALE_DAYS: z.coerce.number().int().min(0).max(3650).default(14),
  // Argo Server, for the retrain trigger on a cluster
  RODENT_ARGO_SERVER: z.url().optional(),
  RODENT_ARGO_TOKEN: z.string().optional(),
  RODENT_ARGO_NAMESPACE: z.string().default("rodent-risk"),
  // PEM file of the CA that signed the Argo Server's certificate (a self-signed server, the usual install)
  RODENT_ARGO_CA_FILE: z.string().min(1).optional(),
});

export type RawEnv = z.infer<typeof Env>;

export interface Config {
  readonly home: string;
  readonly logLevel: RawEnv["RODENT_LOG_LEVEL"];
  readonly dataDir: string;
  /** RODENT_SOURCE, canonical (synth → synth:1, dir:PATH absolute); undefined when unset. */
  readonly source?: string;
  readonly store:
    | { readonly kind: "local"; readonly root: string }
    | {
        readonly kind: "s3";
        readonly bucket: string;
        readonly prefix: string;
        readonly endpoint?: string;
        readonly region: string;
        readonly forcePathStyle: boolean;
      };
  readonly tracking:
    | { readonly kind: "embedded"; readonly dbPath: string }
    | {
        readonly kind: "mlflow";
        readonly uri: string;
        readonly token?: string;
        readonly username?: string;
        readonly password?: string;
      };
  readonly socrata: { readonly baseUrl: string; readonly appToken?: string };
  readonly serve: {
    readonly port: number;
    readonly host: string;
    readonly adminToken?: string;
    readonly modelUri: string;
    readonly canaryShare: number;
    readonly pollSeconds: number;
    readonly requestTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly connectionTimeoutMs: number;
    readonly adminRateLimit: number;
    readonly staleDays: number;
  };
  readonly argo: {
    readonly server?: string;
    readonly token?: string;
    readonly namespace: string;
    readonly caFile?: string;
  };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Parse and validate configuration from an environment map. Throws RODENT_ERR_CONFIG naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "?");
    throw new RodentError("RODENT_ERR_CONFIG", `${name}: ${issue.message} (got ${JSON.stringify(env[name])})`, {
      variable: name,
    });
  }
  const e = parsed.data;
  const home = path.resolve(cwd, e.RODENT_HOME);
  if (e.RODENT_STORE === "s3" && !e.RODENT_S3_BUCKET) {
    throw new RodentError("RODENT_ERR_CONFIG", "RODENT_S3_BUCKET: required when RODENT_STORE=s3", {
      variable: "RODENT_S3_BUCKET",
    });
  }
  if (e.RODENT_HEADERS_TIMEOUT_MS > e.RODENT_REQUEST_TIMEOUT_MS) {
    throw new RodentError("RODENT_ERR_CONFIG", "RODENT_HEADERS_TIMEOUT_MS: must not exceed RODENT_REQUEST_TIMEOUT_MS", {
      variable: "RODENT_HEADERS_TIMEOUT_MS",
    });
  }
  const cfg: Config = {
    home,
    logLevel: e.RODENT_LOG_LEVEL,
    dataDir: path.resolve(cwd, e.RODENT_DATA_DIR),
    source:
      e.RODENT_SOURCE === undefined
        ? undefined
        : e.RODENT_SOURCE === "synth"
          ? "synth:1"
          : e.RODENT_SOURCE.startsWith("dir:")
            ? `dir:${path.resolve(cwd, e.RODENT_SOURCE.slice(4))}`
            : e.RODENT_SOURCE.replace(/^synth:0*(\d)/, "synth:$1"),
    store:
      e.RODENT_STORE === "s3"
        ? {
            kind: "s3",
            bucket: e.RODENT_S3_BUCKET!,
            prefix: e.RODENT_S3_PREFIX,
            endpoint: e.RODENT_S3_ENDPOINT,
            region: e.RODENT_S3_REGION,
            forcePathStyle: e.RODENT_S3_FORCE_PATH_STYLE === "true",
          }
        : { kind: "local", root: path.join(home, "store") },
    tracking:
      e.RODENT_TRACKING_URI === "embedded"
        ? { kind: "embedded", dbPath: path.join(home, "registry.sqlite") }
        : {
            kind: "mlflow",
            uri: e.RODENT_TRACKING_URI.replace(/\/+$/, ""),
            token: e.MLFLOW_TRACKING_TOKEN,
            username: e.MLFLOW_TRACKING_USERNAME,
            password: e.MLFLOW_TRACKING_PASSWORD,
          },
    socrata: { baseUrl: e.RODENT_SOCRATA_URL.replace(/\/+$/, ""), appToken: e.SOCRATA_APP_TOKEN },
    serve: {
      port: e.RODENT_PORT,
      host: e.RODENT_HOST,
      adminToken: e.RODENT_ADMIN_TOKEN,
      modelUri: e.RODENT_MODEL_URI,
      canaryShare: e.RODENT_CANARY_SHARE,
      pollSeconds: e.RODENT_POLL_SECONDS,
      requestTimeoutMs: e.RODENT_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.RODENT_HEADERS_TIMEOUT_MS,
      connectionTimeoutMs: e.RODENT_CONNECTION_TIMEOUT_MS,
      adminRateLimit: e.RODENT_ADMIN_RATE_LIMIT,
      staleDays: e.RODENT_STALE_DAYS,
    },
    argo: {
      server: e.RODENT_ARGO_SERVER,
      token: e.RODENT_ARGO_TOKEN,
      namespace: e.RODENT_ARGO_NAMESPACE,
      caFile: e.RODENT_ARGO_CA_FILE ? path.resolve(cwd, e.RODENT_ARGO_CA_FILE) : undefined,
    },
  };
  return deepFreeze(cfg);
}
