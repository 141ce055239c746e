import { RodentError } from "../errors.js";
import type { Launcher } from "./trigger.js";

/**
 * Starts the CT WorkflowTemplate on a cluster through the Argo Server REST API:
 * POST {server}/api/v1/workflows/{namespace}/submit with resourceKind WorkflowTemplate (see docs/deploy.md).
 */
export interface ArgoSubmitOptions {
  server: string;
  namespace: string;
  template: string;
  token?: string;
  /** Extra workflow parameters, NAME=VALUE. */
  parameters?: Record<string, string>;
  fetchImpl?: typeof fetch;
}

export function argoLauncher(opts: ArgoSubmitOptions): Launcher {
  const f = opts.fetchImpl ?? fetch;
  return async (reason: string) => {
    const url = `${opts.server.replace(/\/+$/, "")}/api/v1/workflows/${encodeURIComponent(opts.namespace)}/submit`;
    const parameters = Object.entries({ ...opts.parameters, reason }).map(([k, v]) => `${k}=${v}`);
    const body = {
      namespace: opts.namespace,
      resourceKind: "WorkflowTemplate",
      resourceName: opts.template,
      submitOptions: { generateName: `${opts.template}-`, labels: "rodent-risk/trigger=monitor", parameters },
    };
    const res = await f(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(opts.token ? { authorization: `Bearer ${opts.token.replace(/^Bearer\s+/i, "")}` } : {}),
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok)
      throw new RodentError(
        "RODENT_ERR_SOURCE",
        `Argo Server answered ${res.status} to submit ${opts.template}: ${text.slice(0, 300)}`,
      );
    const wf = JSON.parse(text) as { metadata?: { name?: string } };
    if (!wf.metadata?.name) throw new RodentError("RODENT_ERR_SOURCE", "Argo Server reply has no metadata.name");
    return { id: wf.metadata.name };
  };
}
