import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadModel, type Model } from "../model/index.js";
import type { Tracker } from "../tracking/index.js";

/** Our artifact inside a run's model folder (the Conventions in docs/architecture.md, "Tracking and registry"). */
export const MODEL_ARTIFACT = "model/rodent-model.json";

/** Download and load the model a training run logged. */
export async function loadRunModel(tracker: Tracker, runId: string): Promise<Model> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "rodent-model-"));
  try {
    const file = await tracker.downloadArtifacts(runId, MODEL_ARTIFACT, tmp);
    return loadModel(await readFile(file, "utf8"));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
