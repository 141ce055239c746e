import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerArtifact } from "./test-fixtures.js";
import { type TestService, testService } from "./test-helper.js";

let svc: TestService;
beforeAll(async () => {
  svc = await testService();
});
afterAll(async () => {
  await svc?.close();
});

describe("ModelHost refusals", () => {
  it("refuses a version whose feature schema differs from the serving table (smoke check)", async () => {
    const art = svc.models[1].toJSON();
    const other = JSON.stringify({ ...art, schema: { ...art.schema, version: "1999.01-0" } });
    const v = await registerArtifact(svc.tracking, other);
    await svc.tracking.registry.setAlias("rodent-risk", "champion", v);
    const before = svc.host.state;
    const r = await svc.host.refresh();
    expect(r.champion).toMatchObject({ status: "failed", version: v });
    expect((r.champion as { error: string }).error).toMatch(/schema/);
    expect(svc.host.state).toBe(before);
    await svc.tracking.registry.setAlias("rodent-risk", "champion", svc.versions[0]);
    expect((await svc.host.refresh()).champion.status).toBe("unchanged");
  });

  it("refuses a corrupt canary and keeps serving the champion alone", async () => {
    const v = await registerArtifact(svc.tracking, "{");
    await svc.tracking.registry.setAlias("rodent-risk", "canary", v);
    const failures = svc.host.failures.canary;
    const r = await svc.host.refresh();
    expect(r.canary).toMatchObject({ status: "failed", version: v });
    expect(svc.host.failures.canary).toBe(failures + 1);
    expect(svc.host.state.canary).toBeNull();
    expect(svc.host.state.canaryShare).toBe(0);
    expect((await svc.app.inject(`/v1/restaurants/${svc.city.camis[0]}/risk`)).json().model.version).toBe(
      svc.versions[0],
    );
    await svc.tracking.registry.deleteAlias("rodent-risk", "canary");
  });

  it("runs refreshes one at a time and swaps once per change", async () => {
    let swaps = 0;
    const off = svc.host.onSwap(() => swaps++);
    await svc.tracking.registry.setAlias("rodent-risk", "champion", svc.versions[1]);
    const reports = await Promise.all([svc.host.refresh(), svc.host.refresh(), svc.host.refresh()]);
    off();
    expect(reports.map((r) => r.champion.status)).toEqual(["loaded", "unchanged", "unchanged"]);
    expect(swaps).toBe(1);
    await svc.tracking.registry.setAlias("rodent-risk", "champion", svc.versions[0]);
    await svc.host.refresh();
  });
});
