// The retrain trigger's submission to the Argo Server (src/monitor/argo-submit.ts) against an HTTPS server whose
// certificate comes from a CA of its own, as Argo Server's default install serves: refused without the CA (with
// the variable to set in the error), accepted with RODENT_ARGO_CA_FILE, and the body names the WorkflowTemplate.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { argoLauncher, CT_WORKFLOW_TEMPLATE } from "../../src/monitor/argo-submit.js";
import { type ArgoStandIn, startArgoStandIn } from "./containers/servers.js";
import { REPO, readManifests } from "./tools.js";

let argo: ArgoStandIn;
let caFile: string;
beforeAll(async () => {
  argo = await startArgoStandIn("t0ken-abcdefghijkl");
  caFile = path.join(mkdtempSync(path.join(os.tmpdir(), "rodent-argo-ca-")), "ca.crt");
  writeFileSync(caFile, argo.caPem);
});
afterAll(() => argo?.close());

describe("Argo Server submission", () => {
  it("is refused over TLS without the server's CA, and says which variable to set", async () => {
    const launch = argoLauncher({ server: argo.url, namespace: "rodent-pipeline", token: argo.token });
    await expect(launch("drift")).rejects.toThrow(/RODENT_ARGO_CA_FILE/);
    expect(argo.submissions).toHaveLength(0);
  });

  it("goes through with RODENT_ARGO_CA_FILE, naming the real WorkflowTemplate", async () => {
    const config = loadConfig({
      RODENT_ARGO_SERVER: argo.url,
      RODENT_ARGO_NAMESPACE: "rodent-pipeline",
      RODENT_ARGO_TOKEN: argo.token,
      RODENT_ARGO_CA_FILE: caFile,
    });
    expect(config.argo.caFile).toBe(caFile);
    const launch = argoLauncher({ ...config.argo, server: config.argo.server! });
    const r = await launch("drift");
    expect(argo.submissions).toHaveLength(1);
    const s = argo.submissions[0]!;
    expect(r.id).toBe(s.name);
    const ct = readManifests(path.join(REPO, "deploy/argo/ct-workflowtemplate.yaml"))[0]!;
    expect(s.body).toMatchObject({
      namespace: ct.metadata.namespace,
      resourceKind: "WorkflowTemplate",
      resourceName: ct.metadata.name,
    });
    expect(CT_WORKFLOW_TEMPLATE).toBe(ct.metadata.name);
    expect(s.body.submitOptions.parameters).toEqual(["reason=drift"]);
    const declared = ct.spec.arguments.parameters.map((p: { name: string }) => p.name);
    expect(declared).toContain("reason");
  });

  it("a wrong token is an error that carries the server's answer", async () => {
    const launch = argoLauncher({ server: argo.url, namespace: "rodent-pipeline", token: "nope", caFile });
    await expect(launch("drift")).rejects.toThrow(/answered 401/);
  });

  it("an unreadable CA file is a configuration error naming the variable", () => {
    expect(() =>
      argoLauncher({ server: argo.url, namespace: "x", caFile: path.join(os.tmpdir(), "no-such-ca.crt") }),
    ).toThrow(/RODENT_ARGO_CA_FILE: cannot read/);
  });
});
