import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { argoLauncher } from "./argo-submit.js";
import { DEFAULT_TRIGGER_POLICY, RetrainTrigger, TriggerPolicySchema } from "./trigger.js";

const week = (i: number) => new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10);
const quiet = (i: number) => ({ at: week(i), driftedFeatures: [], scoreDrift: false, performanceDrop: false });
const drifting = (i: number) => ({
  at: week(i),
  driftedFeatures: ["rat_sightings_0_1mi_30d"],
  scoreDrift: true,
  performanceDrop: false,
});

describe("retrain trigger", () => {
  it("needs consecutive windows, fires once, then respects the cool-down and the running run", async () => {
    const launched: string[] = [];
    const t = new RetrainTrigger({ ...DEFAULT_TRIGGER_POLICY, consecutive: 2, cooldownDays: 28 }, async (r) => {
      launched.push(r);
      return { id: `run-${launched.length}` };
    });
    expect((await t.observe(drifting(0))).fire).toBe(false);
    const d = await t.observe(drifting(1));
    expect(d.fire).toBe(true);
    expect(d.launched).toBe("run-1");
    // still drifting while the run goes on: never a second start
    for (let i = 2; i < 6; i++) expect((await t.observe(drifting(i))).reason).toMatch(/already running/);
    t.finished();
    // 35 days after the last start: past the cool-down, the drift still there fires again
    expect((await t.observe(drifting(6))).fire).toBe(true);
    expect(launched).toHaveLength(2);
  });
  it("a single noisy window never fires and a quiet window resets the streak", async () => {
    let n = 0;
    const t = new RetrainTrigger(DEFAULT_TRIGGER_POLICY, async () => ({ id: String(++n) }));
    for (let i = 0; i < 20; i++) await t.observe(i % 2 ? drifting(i) : quiet(i));
    expect(n).toBe(0);
  });
  it("cool-down blocks a start even after the run ended", async () => {
    let n = 0;
    const t = new RetrainTrigger({ ...DEFAULT_TRIGGER_POLICY, consecutive: 1, cooldownDays: 30 }, async () => ({
      id: String(++n),
    }));
    await t.observe(drifting(0));
    t.finished();
    expect((await t.observe(drifting(2))).reason).toMatch(/cool-down/);
    expect((await t.observe(drifting(5))).fire).toBe(true);
    expect(n).toBe(2);
  });
  it("rejects a bad policy naming the field", () => {
    const r = TriggerPolicySchema.safeParse({ consecutive: 0 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(["consecutive"]);
  });
});

describe("Argo Server submission", () => {
  let server: http.Server;
  let url = "";
  const seen: { url?: string; auth?: string; body?: Record<string, unknown> }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let data = "";
      req.on("data", (c) => {
        data += c;
      });
      req.on("end", () => {
        const body = JSON.parse(data || "{}");
        seen.push({ url: req.url, auth: req.headers.authorization, body });
        if (
          req.method !== "POST" ||
          req.url !== "/api/v1/workflows/rodent-risk/submit" ||
          body.resourceKind !== "WorkflowTemplate"
        ) {
          res
            .writeHead(400, { "content-type": "application/json" })
            .end(JSON.stringify({ code: 3, message: "bad request" }));
          return;
        }
        if (req.headers.authorization !== "Bearer sekret-token") {
          res.writeHead(401).end(JSON.stringify({ code: 16, message: "unauthorized" }));
          return;
        }
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ metadata: { name: "rodent-ct-abc12", namespace: "rodent-risk" } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("submits the WorkflowTemplate with the reason as a parameter", async () => {
    const launch = argoLauncher({
      server: url,
      namespace: "rodent-risk",
      template: "rodent-ct",
      token: "sekret-token",
    });
    const { id } = await launch("score drift for 2 windows");
    expect(id).toBe("rodent-ct-abc12");
    const last = seen.at(-1)!;
    expect(last.body).toMatchObject({
      namespace: "rodent-risk",
      resourceKind: "WorkflowTemplate",
      resourceName: "rodent-ct",
    });
    expect((last.body!.submitOptions as { parameters: string[] }).parameters).toContain(
      "reason=score drift for 2 windows",
    );
  });
  it("a refused submission is an error and the trigger can fire again later", async () => {
    const t = new RetrainTrigger(
      { ...DEFAULT_TRIGGER_POLICY, consecutive: 1, cooldownDays: 0 },
      argoLauncher({ server: url, namespace: "rodent-risk", template: "rodent-ct", token: "wrong" }),
    );
    await expect(t.observe(drifting(0))).rejects.toMatchObject({ code: "RODENT_ERR_SOURCE" });
    expect(t.current.running).toBe(false);
  });
});
