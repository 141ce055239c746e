import { mkdtempSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalObjectStore } from "../data/index.js";
import { argoLauncher } from "./argo-submit.js";
import {
  DEFAULT_TRIGGER_POLICY,
  objectStoreTriggerState,
  RetrainTrigger,
  TRIGGER_STATE_KEY,
  TriggerPolicySchema,
  type TriggerWindow,
} from "./trigger.js";

// Windows are weeks of DATA time: the data date of each window below is a Monday of 2024 (week i).
const week = (i: number) => new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10);
const quiet = (i: number): TriggerWindow => ({ dataDate: week(i), signals: [] });
const drifting = (i: number, ...keys: string[]): TriggerWindow => ({
  dataDate: week(i),
  signals: (keys.length ? keys : ["feature:rats_r050_365d", "score"]).map((key) => ({
    key,
    kind: key === "score" ? "score_drift" : key.startsWith("feature:") ? "feature_drift" : "source_drift",
  })),
});
const counter = () => {
  const launched: string[] = [];
  return {
    launched,
    launch: async (r: string) => {
      launched.push(r);
      return { id: `run-${launched.length}` };
    },
  };
};

describe("retrain trigger", () => {
  it("needs consecutive weekly windows, fires once, then respects the running run and the cool-down", async () => {
    const c = counter();
    const t = new RetrainTrigger({ ...DEFAULT_TRIGGER_POLICY, consecutive: 2, cooldownDays: 28 }, c.launch);
    expect((await t.observe(drifting(0))).fire).toBe(false);
    const d = await t.observe(drifting(1));
    expect(d).toMatchObject({ fire: true, launched: "run-1", streak: 2 });
    // The same signals go on while the run goes on: acknowledged, never a second start.
    for (let i = 2; i < 6; i++) expect((await t.observe(drifting(i))).reason).toMatch(/only acknowledged signals/);
    await t.finished();
    expect(c.launched).toHaveLength(1);
  });

  it("a window is a week of data: checking twice on the same data never makes two windows", async () => {
    const c = counter();
    const t = new RetrainTrigger({ ...DEFAULT_TRIGGER_POLICY, consecutive: 2 }, c.launch);
    const first = await t.observe(drifting(0));
    const again = await t.observe({ ...drifting(0), dataDate: week(0).replace(/-01$/, "-03") }); // Wednesday
    expect(first.streak).toBe(1);
    expect(again).toMatchObject({ fire: false, streak: 1, week: week(0) });
    expect((await t.state()).windows).toHaveLength(1);
    expect((await t.observe(drifting(1))).fire).toBe(true);
  });

  it("a week without data breaks the streak; older data is ignored", async () => {
    const c = counter();
    const t = new RetrainTrigger({ ...DEFAULT_TRIGGER_POLICY, consecutive: 2 }, c.launch);
    await t.observe(drifting(0));
    expect(await t.observe(drifting(2))).toMatchObject({ fire: false, streak: 1 }); // week 1 never observed
    expect((await t.observe(drifting(1))).reason).toMatch(/older than the last window/);
    expect((await t.observe(drifting(3))).fire).toBe(true);
  });

  it("a single noisy window never fires and a quiet window resets the streak", async () => {
    const c = counter();
    const t = new RetrainTrigger(DEFAULT_TRIGGER_POLICY, c.launch);
    for (let i = 0; i < 20; i++) await t.observe(i % 2 ? drifting(i) : quiet(i));
    expect(c.launched).toHaveLength(0);
  });

  it("the cool-down counts days of data and holds a start even after the run ended", async () => {
    const c = counter();
    const t = new RetrainTrigger({ ...DEFAULT_TRIGGER_POLICY, consecutive: 1, cooldownDays: 30 }, c.launch);
    await t.observe(drifting(0, "borough:brooklyn:down"));
    await t.finished();
    expect((await t.observe(drifting(2, "borough:queens:up"))).reason).toMatch(/cool-down/);
    expect((await t.observe(drifting(5, "borough:queens:up"))).fire).toBe(true);
    expect(c.launched).toHaveLength(2);
  });

  it("acknowledgement is per signal and borough: an answered Brooklyn drop never masks a later Queens rise", async () => {
    const c = counter();
    const t = new RetrainTrigger({ ...DEFAULT_TRIGGER_POLICY, consecutive: 2, cooldownDays: 14 }, c.launch);
    await t.observe(drifting(0, "borough:brooklyn:down"));
    expect((await t.observe(drifting(1, "borough:brooklyn:down"))).fire).toBe(true);
    await t.finished();
    // Brooklyn's drop stays visible for a year against last year's weeks: acknowledged, not counted.
    const w2 = await t.observe(drifting(2, "borough:brooklyn:down"));
    expect(w2).toMatchObject({ fire: false, signals: [], acknowledged: ["borough:brooklyn:down"] });
    await t.observe(drifting(3, "borough:brooklyn:down"));
    // Queens rises while Brooklyn is still acknowledged: counted, fires after two windows.
    expect((await t.observe(drifting(4, "borough:brooklyn:down", "borough:queens:up"))).signals).toEqual([
      "borough:queens:up",
    ]);
    const w5 = await t.observe(drifting(5, "borough:brooklyn:down", "borough:queens:up"));
    expect(w5.fire).toBe(true);
    expect(w5.reason).toMatch(/borough:queens:up/);
    expect(w5.reason).not.toMatch(/brooklyn/);
    await t.finished();
    // Brooklyn quiet for 4 windows: forgotten; when it returns it counts again.
    for (let i = 6; i < 10; i++) await t.observe(quiet(i));
    expect((await t.state()).acknowledged).toEqual({});
    expect((await t.observe(drifting(10, "borough:brooklyn:down"))).signals).toEqual(["borough:brooklyn:down"]);
  });

  it("a dry run decides and records nothing: no state written, nothing started", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-trigger-"));
    const store = new LocalObjectStore(dir);
    const c = counter();
    const policy = { ...DEFAULT_TRIGGER_POLICY, consecutive: 1 };
    const t = new RetrainTrigger(policy, c.launch, objectStoreTriggerState(store));
    const dry = await t.observe(drifting(0), { dryRun: true });
    expect(dry).toMatchObject({ fire: true, launched: null, dryRun: true });
    expect(await store.exists(TRIGGER_STATE_KEY)).toBe(false);
    expect(c.launched).toHaveLength(0);
    // …so the real window right after it is not blocked by a cool-down or a "running" run.
    const real = await t.observe(drifting(0));
    expect(real).toMatchObject({ fire: true, launched: "run-1" });
    // The state is in the object store, shared by every process: a second trigger object sees it.
    const other = new RetrainTrigger(policy, c.launch, objectStoreTriggerState(store));
    expect((await other.state()).lastStart).toBe(week(0));
    expect((await other.observe(drifting(1))).reason).toMatch(/already running|acknowledged/);
  });

  it("a run never reported finished stops blocking after maxRunHours", async () => {
    const c = counter();
    const t = new RetrainTrigger(
      { ...DEFAULT_TRIGGER_POLICY, consecutive: 1, cooldownDays: 0, maxRunHours: 6 },
      c.launch,
    );
    const t0 = new Date("2024-03-01T00:00:00Z");
    await t.observe(drifting(0, "borough:bronx:up"), { now: t0 });
    const soon = await t.observe(drifting(1, "borough:bronx:up", "score"), { now: new Date(t0.getTime() + 3_600_000) });
    expect(soon.reason).toMatch(/already running/);
    const later = await t.observe(drifting(2, "borough:bronx:up", "score"), {
      now: new Date(t0.getTime() + 7 * 3_600_000),
    });
    expect(later.fire).toBe(true);
    expect(later.reason).toMatch(/taken as over/);
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
    const s = await t.state();
    expect(s.running).toBe(false);
    expect(s.lastStart).toBeNull(); // nothing started: no cool-down either
  });
});
