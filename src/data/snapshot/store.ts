import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { isRodentError, RodentError } from "../../errors.js";
import type { ObjectStore } from "../object-store.js";
import type { DatasetName, RecordOf } from "../records.js";
import { readLines } from "./lines.js";
import { manifestKey, SNAPSHOT_ID, SNAPSHOT_PREFIX, type SnapshotManifest } from "./manifest.js";

const MANIFEST_KEY = /^snapshots\/([^/]+)\/manifest\.json$/;

/** Complete snapshots only (those whose manifest exists), oldest first. */
export async function listSnapshots(store: ObjectStore): Promise<SnapshotManifest[]> {
  const keys = await store.list(SNAPSHOT_PREFIX);
  const ids = keys.map((k) => MANIFEST_KEY.exec(k)?.[1]).filter((id): id is string => !!id && SNAPSHOT_ID.test(id));
  const manifests = await Promise.all(ids.map((id) => readManifest(store, id)));
  return manifests.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
}

export async function latestSnapshot(store: ObjectStore): Promise<SnapshotManifest | null> {
  const all = await listSnapshots(store);
  return all.at(-1) ?? null;
}

/** RODENT_ERR_NOT_FOUND when the snapshot does not exist (or is incomplete: no manifest yet). */
export async function readManifest(store: ObjectStore, id: string): Promise<SnapshotManifest> {
  if (!SNAPSHOT_ID.test(id))
    throw new RodentError(
      "RODENT_ERR_NOT_FOUND",
      `snapshot ${JSON.stringify(id)} not found (ids look like snap-<12 hex>)`,
    );
  let buf: Buffer;
  try {
    buf = await store.get(manifestKey(id));
  } catch (e) {
    if (isRodentError(e, "RODENT_ERR_NOT_FOUND"))
      throw new RodentError("RODENT_ERR_NOT_FOUND", `snapshot ${id} not found in ${store.uri}`, { snapshot: id });
    throw e;
  }
  return JSON.parse(buf.toString("utf8")) as SnapshotManifest;
}

/** Stream one dataset's records (key order). Nothing when the snapshot has no such dataset. */
export async function* readRecords<D extends DatasetName>(
  store: ObjectStore,
  id: string,
  dataset: D,
): AsyncGenerator<RecordOf[D]> {
  const m = await readManifest(store, id);
  for (const f of m.datasets[dataset]?.files ?? []) {
    const raw = (await store.getStream(f.key)) as Readable;
    const gunzip = createGunzip();
    raw.on("error", (e) => gunzip.destroy(e));
    for await (const line of readLines(raw.pipe(gunzip))) if (line) yield JSON.parse(line) as RecordOf[D];
  }
}

export async function loadRecords<D extends DatasetName>(
  store: ObjectStore,
  id: string,
  dataset: D,
): Promise<RecordOf[D][]> {
  const out: RecordOf[D][] = [];
  for await (const r of readRecords(store, id, dataset)) out.push(r);
  return out;
}

/**
 * Delete the leftovers of interrupted ingests: objects under snapshots/<id>/ with no manifest.
 * Run it when no ingest is in progress (an ingest uploads its data before its manifest).
 */
export async function gcSnapshots(store: ObjectStore): Promise<{ deleted: string[] }> {
  const keys = await store.list(SNAPSHOT_PREFIX);
  const complete = new Set(keys.map((k) => MANIFEST_KEY.exec(k)?.[1]).filter(Boolean));
  const deleted: string[] = [];
  for (const k of keys) {
    const id = k.slice(SNAPSHOT_PREFIX.length).split("/")[0]!;
    if (!complete.has(id)) {
      await store.delete(k);
      deleted.push(k);
    }
  }
  return { deleted };
}
