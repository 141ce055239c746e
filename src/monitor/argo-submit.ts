import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { RodentError } from "../errors.js";
import type { Launcher } from "./trigger.js";

/** The continuous-training WorkflowTemplate a retrain starts (deploy/argo/ct-workflowtemplate.yaml). */
export const CT_WORKFLOW_TEMPLATE = "rodent-ct";

/**
 * Starts the CT WorkflowTemplate on a cluster through the Argo Server REST API:
 * POST {server}/api/v1/workflows/{namespace}/submit with resourceKind WorkflowTemplate (see docs/deploy.md).
 */
export interface ArgoSubmitOptions {
  server: string;
  namespace: string;
  /** WorkflowTemplate name; default rodent-ct. */
  template?: string;
  token?: string;
  /**
   * PEM file of the CA that signed the server's certificate (RODENT_ARGO_CA_FILE). Argo Server's default install
   * serves TLS with a self-signed certificate, which the default trust store rejects; this CA is trusted for these
   * requests only, not process-wide.
   */
  caFile?: string;
  /** Extra workflow parameters, NAME=VALUE. */
  parameters?: Record<string, string>;
  fetchImpl?: typeof fetch;
}

interface Reply {
  status: number;
  text: string;
}

/** One POST with node:https (a per-request CA; fetch has no per-request trust). */
function post(url: string, headers: Record<string, string>, body: string, ca: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === "https:" ? https : http;
    const req = mod.request(u, { method: "POST", headers, ...(u.protocol === "https:" ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")));
    req.on("error", reject);
    req.end(body);
  });
}

export function argoLauncher(opts: ArgoSubmitOptions): Launcher {
  const template = opts.template ?? CT_WORKFLOW_TEMPLATE;
  let ca: Buffer | undefined;
  if (opts.caFile) {
    try {
      ca = readFileSync(opts.caFile);
    } catch (e) {
      throw new RodentError(
        "RODENT_ERR_CONFIG",
        `RODENT_ARGO_CA_FILE: cannot read ${opts.caFile} (${(e as Error).message}); mount the Argo Server's CA there`,
        { variable: "RODENT_ARGO_CA_FILE" },
      );
    }
  }
  return async (reason: string) => {
    const url = `${opts.server.replace(/\/+$/, "")}/api/v1/workflows/${encodeURIComponent(opts.namespace)}/submit`;
    const parameters = Object.entries({ ...opts.parameters, reason }).map(([k, v]) => `${k}=${v}`);
    const body = JSON.stringify({
      namespace: opts.namespace,
      resourceKind: "WorkflowTemplate",
      resourceName: template,
      submitOptions: { generateName: `${template}-`, labels: "rodent-risk/trigger=monitor", parameters },
    });
    const headers: Record<string, string> = {
      "content-type": "application/json",
      ...(opts.token ? { authorization: `Bearer ${opts.token.replace(/^Bearer\s+/i, "")}` } : {}),
    };
    let res: Reply;
    try {
      if (ca) res = await post(url, headers, body, ca);
      else {
        const r = await (opts.fetchImpl ?? fetch)(url, { method: "POST", headers, body });
        res = { status: r.status, text: await r.text() };
      }
    } catch (e) {
      // fetch wraps the TLS error: its cause says what went wrong.
      const cause = (e as { cause?: { message?: string; code?: string } }).cause;
      const m = [(e as Error).message, cause?.message].filter(Boolean).join(": ");
      const codes = `${m} ${(e as { code?: string }).code ?? ""} ${cause?.code ?? ""}`;
      const hint = /certificate|self.signed|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(codes)
        ? ": the server's certificate is not trusted; set RODENT_ARGO_CA_FILE to its CA"
        : "";
      throw new RodentError("RODENT_ERR_SOURCE", `Argo Server at ${opts.server} unreachable: ${m}${hint}`, undefined, {
        cause: e,
      });
    }
    if (res.status < 200 || res.status >= 300)
      throw new RodentError(
        "RODENT_ERR_SOURCE",
        `Argo Server answered ${res.status} to submit ${template}: ${res.text.slice(0, 300)}`,
      );
    const wf = JSON.parse(res.text) as { metadata?: { name?: string } };
    if (!wf.metadata?.name) throw new RodentError("RODENT_ERR_SOURCE", "Argo Server reply has no metadata.name");
    return { id: wf.metadata.name };
  };
}
