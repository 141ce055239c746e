import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { LocalObjectStore } from "../data/object-store.js";
import { openEmbeddedTracking } from "./open.js";
import { runTrackingContract } from "./tracker.case.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

runTrackingContract({
  name: "embedded (SQLite + local object store)",
  make: async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "rodent-tracking-"));
    dirs.push(dir);
    return openEmbeddedTracking(path.join(dir, "registry.sqlite"), new LocalObjectStore(path.join(dir, "store")));
  },
});
