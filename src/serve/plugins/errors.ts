import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ERROR_CODES, type ErrorCode, isRodentError } from "../../errors.js";
import { ErrorResponse } from "../schemas/common.js";

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

function body(status: number, code: ErrorCode, message: string, req: FastifyRequest, extra?: Partial<ErrorResponse>) {
  return {
    statusCode: status,
    code,
    error: STATUS_TEXT[status] ?? "Error",
    message,
    hint: ERROR_CODES[code].hint,
    requestId: String(req.id),
    ...extra,
  } satisfies ErrorResponse;
}

/** For a row rejected for a missing or unknown feature: every missing and unknown name in that row. */
function rowDiff(req: FastifyRequest, path: string): { missing: string[]; extra: string[] } | null {
  const m = /^\/rows\/(\d+)$/.exec(path);
  const rows = (req.body as { rows?: unknown[] } | undefined)?.rows;
  const expected: readonly string[] | undefined = req.routeOptions.config?.featureNames;
  if (!m || !Array.isArray(rows) || !expected) return null;
  const row = rows[Number(m[1])];
  if (!row || typeof row !== "object") return null;
  const have = Object.keys(row);
  const want = new Set(expected);
  return { missing: expected.filter((f) => !(f in row)), extra: have.filter((f) => !want.has(f)) };
}

/** Turn the first schema violation into a message naming the field and the problem. */
function describeValidation(err: FastifyError, req: FastifyRequest) {
  const issue = (err.validation as AjvIssue[] | undefined)?.[0];
  const part = err.validationContext ?? "request";
  if (!issue) return { status: 400, field: part, message: err.message };
  let field = `${part}${issue.instancePath}`;
  let message = `${field} ${issue.message ?? "is invalid"}`;
  let status = 400;
  let missing: string[] | undefined;
  let extra: string[] | undefined;
  if (issue.keyword === "required" || issue.keyword === "additionalProperties") {
    const name = String(issue.params.missingProperty ?? issue.params.additionalProperty);
    field = `${field}/${name}`;
    const diff = rowDiff(req, issue.instancePath);
    if (diff) {
      missing = diff.missing;
      extra = diff.extra;
      const parts = [];
      if (missing.length) parts.push(`missing feature(s): ${missing.join(", ")}`);
      if (extra.length) parts.push(`unknown feature(s): ${extra.join(", ")}`);
      message = `${part}${issue.instancePath}: ${parts.join("; ")}`;
    } else {
      message = issue.keyword === "required" ? `${field} is required` : `${field} is not allowed (unknown property)`;
    }
  } else if (issue.keyword === "maxItems" && issue.instancePath === "/rows") {
    status = 413;
    message = `${field}: at most ${issue.params.limit} rows per request`;
  } else if (
    issue.keyword === "type" ||
    issue.keyword === "anyOf" ||
    issue.keyword === "const" ||
    issue.keyword === "enum"
  ) {
    const want =
      issue.keyword === "type"
        ? String(issue.params.type).replace(",", " or ")
        : issue.keyword === "enum"
          ? `one of ${JSON.stringify(issue.params.allowedValues)}`
          : "one of the allowed values";
    message = `${field} must be ${want}; got ${describeValue(req, part, issue.instancePath)}`;
  } else if (issue.keyword === "maximum" || issue.keyword === "minimum") {
    message = `${field} ${issue.message} (numbers must be finite and fit a 32-bit float)`;
  }
  return { status, field, message, missing, extra };
}

/** The offending value, briefly ("string \"NaN\""), never a whole payload. */
function describeValue(req: FastifyRequest, part: string, pointer: string): string {
  let v: unknown = part === "body" ? req.body : part === "querystring" ? req.query : req.params;
  for (const key of pointer.split("/").slice(1)) {
    if (v === null || typeof v !== "object") return "?";
    v = (v as Record<string, unknown>)[key.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

/** Every route's methods by path pattern, for 405 on a known path (collectRoutes runs before any route exists). */
export interface KnownRoutes {
  /** The methods of the route patterns the path matches (HEAD with GET); empty when the path is unknown. */
  allowed(path: string): string[];
}

/**
 * Record routes as they are added, so the not-found handler can tell "no such path" (404) from "no such method"
 * (405). And make each documented route declare the errors any request to it can get, so the OpenAPI document
 * matches what the service does: a route with a body can answer 400 (malformed JSON), 413 (over the body limit) and
 * 415 (another content type); every route but the exempt probes 503 (overload shedding, plugins/external.ts).
 */
export function collectRoutes(app: FastifyInstance): KnownRoutes {
  const byPattern = new Map<string, { re: RegExp; methods: Set<string> }>();
  app.addHook("onRoute", (r) => {
    const response = (r.schema as { hide?: boolean; response?: Record<string, unknown> } | undefined)?.response;
    if (response && !(r.schema as { hide?: boolean }).hide) {
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      const codes = methods.some((m) => m !== "GET" && m !== "HEAD") ? [400, 413, 415] : [];
      if (!(r.config as { pressureHandler?: unknown } | undefined)?.pressureHandler) codes.push(503);
      for (const c of codes) response[c] ??= ErrorResponse;
    }
    let entry = byPattern.get(r.url);
    if (!entry) {
      // find-my-way's syntax: ":name" is one segment, "*" the rest of the path.
      const src = r.url
        .split(/(:[A-Za-z0-9_]+|\*)/)
        .map((part) =>
          part === "*" ? ".*" : part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
      entry = { re: new RegExp(`^${src}$`), methods: new Set() };
      byPattern.set(r.url, entry);
    }
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) entry.methods.add(m);
  });
  return {
    allowed(path) {
      const out = new Set<string>();
      for (const { re, methods } of byPattern.values()) if (re.test(path)) for (const m of methods) out.add(m);
      if (out.has("GET")) out.add("HEAD");
      return [...out].sort();
    },
  };
}

/**
 * Errors Node's HTTP server raises before a request reaches Fastify, or while its body is still arriving: a request
 * not received within the request timeout (408, Node's ERR_HTTP_REQUEST_TIMEOUT) and malformed HTTP (400). Written
 * on the raw socket in the service's error shape, then the socket is closed: what is left of the request is unread.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  // A response already under way on this socket cannot take another status line: just close it.
  if ((socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const timeout = err.code === "ERR_HTTP_REQUEST_TIMEOUT";
  const status = timeout ? 408 : err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
  const code: ErrorCode = timeout ? "RODENT_ERR_TIMEOUT" : "RODENT_ERR_INVALID_ARGUMENT";
  const text = status === 431 ? "Request Header Fields Too Large" : (STATUS_TEXT[status] ?? "Error");
  const payload = JSON.stringify({
    statusCode: status,
    code,
    error: text,
    message: timeout ? "the request was not received in time" : "malformed HTTP request",
    hint: ERROR_CODES[code].hint,
  });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
    );
  socket.destroy();
}

/**
 * One error handler: client mistakes become 4xx with a code and the field, never 500; anything
 * unexpected is logged with the request id and answered as RODENT_ERR_INTERNAL.
 */
export default fp(
  async function errors(app: FastifyInstance, opts: { routes?: KnownRoutes }) {
    app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      if (err.validation) {
        const d = describeValidation(err, req);
        const code: ErrorCode = d.status === 413 ? "RODENT_ERR_TOO_LARGE" : "RODENT_ERR_INVALID_ARGUMENT";
        return reply
          .status(d.status)
          .send(body(d.status, code, d.message, req, { field: d.field, missing: d.missing, extra: d.extra }));
      }
      if (isRodentError(err)) {
        const status = err.status;
        if (status === 503) req.log.warn({ code: err.code }, err.message);
        else if (status >= 500) req.log.error({ err }, "request failed");
        const field = typeof err.details?.field === "string" ? err.details.field : undefined;
        return reply.status(status).send(body(status, err.code, err.message, req, { field }));
      }
      const status = err.statusCode ?? 500;
      if (status === 413 || err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
        // The rest of the body is never read: close the socket rather than leave a half-read request open.
        reply.header("connection", "close");
        return reply
          .status(413)
          .send(body(413, "RODENT_ERR_TOO_LARGE", `body: ${err.message}`, req, { field: "body" }));
      }
      if (status === 503) {
        return reply.status(503).send(body(503, "RODENT_ERR_UNAVAILABLE", err.message, req));
      }
      if (status >= 400 && status < 500) {
        // Malformed JSON, empty body, wrong content type, bad headers: the client's to fix.
        const field = err.code?.startsWith("FST_ERR_CTP") || err instanceof SyntaxError ? "body" : undefined;
        return reply.status(status).send(body(status, "RODENT_ERR_INVALID_ARGUMENT", err.message, req, { field }));
      }
      req.log.error({ err }, "unexpected error");
      return reply
        .status(500)
        .send(body(500, "RODENT_ERR_INTERNAL", "internal error; see the log for this request id", req));
    });

    const notFound = (req: FastifyRequest, reply: FastifyReply) => {
      reply.header("x-request-id", req.id);
      const path = req.url.split("?")[0];
      const allowed = opts.routes?.allowed(path) ?? [];
      if (allowed.length > 0) {
        reply.header("allow", allowed.join(", "));
        return reply
          .status(405)
          .send(
            body(
              405,
              "RODENT_ERR_METHOD_NOT_ALLOWED",
              `${req.method} is not allowed on ${path}; allowed: ${allowed.join(", ")}`,
              req,
            ),
          );
      }
      return reply.status(404).send(body(404, "RODENT_ERR_NOT_FOUND", `no route ${req.method} ${path}`, req));
    };
    // Answered as soon as the request line is known: a method with a body (POST, or QUERY without a content type)
    // would otherwise have its body parsed, and fail on it, before the not-found handler ran.
    app.addHook("onRequest", async (req, reply) => {
      if (req.is404) return notFound(req, reply);
    });
    app.setNotFoundHandler(notFound);
  },
  { name: "rodent-errors" },
);

declare module "fastify" {
  interface FastifyContextConfig {
    /** Feature names of a feature-row body, to list every missing/unknown one in a 400. */
    featureNames?: readonly string[];
  }
}
