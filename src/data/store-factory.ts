import type { Config } from "../config/index.js";
import { LocalObjectStore, type ObjectStore } from "./object-store.js";
import { S3ObjectStore } from "./s3-store.js";

/** The configured object store: a folder under RODENT_HOME, or an S3-compatible bucket. */
export function createObjectStore(config: Config): ObjectStore {
  const s = config.store;
  if (s.kind === "local") return new LocalObjectStore(s.root);
  return new S3ObjectStore({
    bucket: s.bucket,
    prefix: s.prefix,
    endpoint: s.endpoint,
    region: s.region,
    forcePathStyle: s.forcePathStyle,
  });
}
