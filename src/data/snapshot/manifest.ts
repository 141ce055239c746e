import { createHash } from "node:crypto";
import type { DatasetName } from "../records.js";

export interface DatasetSummary {
  rows: number;
  quarantined: number;
  min_date: string | null;
  max_date: string | null;
}

export interface SnapshotFile {
  key: string;
  /** sha256 of the stored (gzip) bytes. */
  sha256: string;
  bytes: number;
  /** sha256 of the uncompressed NDJSON; the snapshot id derives from these. */
  content_sha256?: string;
}

export interface SnapshotManifest {
  id: string;
  created_at: string;
  source: string;
  code_version: string;
  /** Per dataset, the newest record date: the next incremental pull starts there minus an overlap. */
  watermarks: Partial<Record<DatasetName, string>>;
  datasets: Partial<Record<DatasetName, DatasetSummary & { files: SnapshotFile[] }>>;
  quality_key: string;
  quarantine_key: string;
  format?: "ndjson.gz";
}

export const SNAPSHOT_PREFIX = "snapshots/";
export const snapshotDir = (id: string) => `${SNAPSHOT_PREFIX}${id}/`;
export const manifestKey = (id: string) => `${snapshotDir(id)}manifest.json`;
export const SNAPSHOT_ID = /^snap-[0-9a-f]{12}$/;

/** Content-addressed id: the same records (and the same quarantine) always give the same id. */
export function snapshotId(contents: { name: string; contentSha256: string; rows: number }[]): string {
  const h = createHash("sha256");
  for (const c of contents) h.update(`${c.name}\t${c.contentSha256}\t${c.rows}\n`);
  return `snap-${h.digest("hex").slice(0, 12)}`;
}
