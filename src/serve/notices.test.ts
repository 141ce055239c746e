import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { createObjectStore } from "../data/index.js";
import { FEATURE_SCHEMA } from "../features/index.js";
import { silentLogger } from "../util/log.js";
import { buildApp } from "./app.js";
import type { CityRef, CitySource } from "./city-source.js";
import { ModelHost } from "./model-host.js";
import { registryModelSource } from "./model-source.js";
import { SNAPSHOT_CHANGE_NOTICE_MS, servingNotices } from "./notices.js";
import { syntheticServingSet } from "./test-fixtures.js";
import { type TestService, testService } from "./test-helper.js";

// The banner's notices (docs/model.md, "The serving snapshot") on a real registry and real models: a rollback that has not reached the
// service (reload pending), which a reader's request now loads at once when the service polls; a replaced
// serving snapshot; models trained on another snapshot than the one served.

let svc: TestService;
beforeAll(async () => {
  svc = await testService({ canaryShare: 0.25 });
});
afterAll(async () => {
  await svc?.close();
});

type Body = { notices: { code: string; message: string }[]; registry: { champion: string } | null };
const model = async (s: TestService) => (await s.app.inject("/v1/model")).json() as Body;

describe("reload pending", () => {
  it("says so when the registry's champion is not the version served, until a reload serves it", async () => {
    const [v1, v2] = svc.versions;
    await svc.tracking.registry.setAlias("rodent-risk", "champion", v2);
    const b = await model(svc);
    expect(b.registry?.champion).toBe(v2);
    const n = b.notices.find((x) => x.code === "reload_pending");
    expect(n?.message).toContain(
      `the registry's champion is version ${v2}, but this service still serves version ${v1}`,
    );
    expect(n?.message).toContain("polling is off");
    // with polling off the service does not load it on its own
    await new Promise((r) => setTimeout(r, 50));
    expect(svc.host.state.champion?.ref.version).toBe(v1);
    await svc.host.refresh();
    const after = await model(svc);
    expect(after.notices.map((x) => x.code)).not.toContain("reload_pending");
    await svc.tracking.registry.setAlias("rodent-risk", "champion", v1);
    await svc.host.refresh();
  });

  it("when the service polls, the first read after a rollback loads the registry's champion (no 30 s of stale)", async () => {
    const [v1, v2] = svc.versions;
    svc.host.startPolling(3600); // the poll itself would come an hour later
    try {
      await svc.tracking.registry.setAlias("rodent-risk", "champion", v2);
      const b = await model(svc);
      expect(b.notices.find((x) => x.code === "reload_pending")?.message).toContain("is loading it now");
      await svc.host.refresh(); // waits for the refresh the read started, then looks again
      expect(svc.host.state.champion?.ref.version).toBe(v2);
      expect((await model(svc)).notices.map((x) => x.code)).not.toContain("reload_pending");
    } finally {
      svc.host.stopPolling();
      await svc.tracking.registry.setAlias("rodent-risk", "champion", v1);
      await svc.host.refresh();
    }
  });

  it("names a version that was refused when loading, and a canary not yet served", () => {
    const s = svc.host.state;
    const notices = servingNotices({
      state: s,
      registry: { champion: "9", canary: "8", checkedAt: "2026-12-01T00:00:00.000Z" },
      pollSeconds: 30,
      lastRefresh: {
        generation: s.generation,
        city: { status: "unchanged", version: s.city!.id },
        champion: { status: "failed", version: "9", error: "smoke check failed" },
        canary: { status: "none", version: null },
      },
      now: Date.now(),
    });
    const msgs = notices.filter((n) => n.code === "reload_pending").map((n) => n.message);
    expect(msgs[0]).toContain("loading version 9 failed (smoke check failed)");
    expect(msgs[1]).toContain("the registry's canary is version 8, which this service does not serve yet");
    const down = servingNotices({
      state: s,
      registry: null,
      registryError: "ECONNREFUSED",
      pollSeconds: 30,
      lastRefresh: null,
      now: 0,
    });
    expect(down.map((n) => n.code)).toContain("registry_unreachable");
  });
});

describe("serving snapshot", () => {
  it("names the snapshot it serves and announces a replaced one for a day", async () => {
    const sets = [syntheticServingSet(120, 1, "2024-06-01"), syntheticServingSet(150, 2, "2024-06-08")];
    const refs: CityRef[] = [
      {
        id: "snap-aaaaaaaaaaaa",
        asOf: "2024-06-01",
        source: "synth:1",
        createdAt: "2026-12-01T10:00:00.000Z",
        dataTo: "2024-05-31",
      },
      {
        id: "snap-bbbbbbbbbbbb",
        asOf: "2024-06-08",
        source: "dir:/data/nyc",
        createdAt: "2026-12-02T11:30:00.000Z",
        dataTo: "2024-06-07",
      },
    ];
    let current = 0;
    // A city source whose newest snapshot changes, as the store's does after an ingest.
    const city: CitySource = {
      async latest() {
        return refs[current];
      },
      async load(ref) {
        return sets[refs.findIndex((r) => r.id === ref.id)];
      },
    };
    const config = loadConfig({ RODENT_HOME: svc.home, RODENT_LOG_LEVEL: "silent" });
    const host = new ModelHost({
      models: await registryModelSource(config, createObjectStore(config)),
      city,
      modelName: "rodent-risk",
      champion: { alias: "champion" },
      canaryAlias: null,
      canaryShare: 0,
      schema: FEATURE_SCHEMA,
      log: silentLogger,
    });
    await host.refresh();
    const app = await buildApp({ host, closeHost: true, pressure: { maxEventLoopDelay: 0 } });
    try {
      const first = (await app.inject("/v1/model")).json();
      expect(first.serving).toMatchObject({
        snapshot: "snap-aaaaaaaaaaaa",
        snapshot_name: "synth:1 · inspections to 2024-05-31 · ingested 2026-12-01 10:00 UTC",
        snapshot_source: "synth:1",
        data_to: "2024-05-31",
        restaurants: 120,
      });
      expect(first.notices.map((n: { code: string }) => n.code)).not.toContain("snapshot_changed");
      current = 1;
      await host.refresh();
      const second = (await app.inject("/v1/model")).json();
      expect(second.serving.snapshot).toBe("snap-bbbbbbbbbbbb");
      expect(second.serving.restaurants).toBe(150);
      const n = second.notices.find((x: { code: string }) => x.code === "snapshot_changed");
      expect(n.message).toContain("from snap-aaaaaaaaaaaa (synth:1 · inspections to 2024-05-31");
      expect(n.message).toContain("to snap-bbbbbbbbbbbb (dir:/data/nyc · inspections to 2024-06-07");
      // the models were trained on snap-test1/2: that differs from what is served, and is said
      expect(second.notices.map((x: { code: string }) => x.code)).toContain("training_snapshot_differs");
      const later = servingNotices({
        state: host.state,
        registry: null,
        pollSeconds: 0,
        lastRefresh: null,
        now: Date.parse(n.since) + SNAPSHOT_CHANGE_NOTICE_MS + 1,
      });
      expect(later.map((x) => x.code)).not.toContain("snapshot_changed");
    } finally {
      await app.close();
    }
  });
});
