import { canonicalSource, type ObjectStore, readManifest } from "../data/index.js";
import { isRodentError, RodentError } from "../errors.js";
import type { ModelVersion, Registry, Tracker } from "../tracking/index.js";
import type { Logger } from "../util/log.js";
import { MODEL_NAME, VERSION_TAGS } from "./promotion.js";
import { DEFAULT_SOURCE } from "./steps/ingest.js";

// One deployment, one source (issue 13 §1). Every model records the source it was trained on (tag rodent.source
// on its run and its registered version); every path that trains resolves its source here; a candidate whose
// source differs from the champion's is never registered or promoted unless the operator switches on purpose.

export const SOURCE_TAG = "rodent.source";

/** Where the source of a training run came from, in order of precedence. */
export type SourceOrigin = "flag" | "config" | "champion" | "demo-default";

export interface ResolvedSource {
  source: string;
  origin: SourceOrigin;
  /** The champion the source was checked against (null on an empty registry). */
  champion: { version: string; source: string | null } | null;
}

/** The source a snapshot was ingested from, canonical; null when the manifest is gone or unreadable. */
export async function snapshotSource(store: ObjectStore, snapshot: string): Promise<string | null> {
  try {
    return canonicalSource((await readManifest(store, snapshot)).source);
  } catch (e) {
    if (isRodentError(e, "RODENT_ERR_NOT_FOUND") || isRodentError(e, "RODENT_ERR_INVALID_ARGUMENT")) return null;
    throw e;
  }
}

/** The source a model version was trained on: its tag, else its run's tag, else its snapshot's manifest. */
export async function versionSource(
  mv: ModelVersion,
  deps: { tracker: Tracker; store: ObjectStore },
): Promise<string | null> {
  const tagged = mv.tags[SOURCE_TAG];
  if (tagged) return tagged;
  try {
    const run = await deps.tracker.getRun(mv.runId);
    if (run.tags[SOURCE_TAG]) return run.tags[SOURCE_TAG];
  } catch (e) {
    if (!isRodentError(e, "RODENT_ERR_NOT_FOUND")) throw e;
  }
  const snap = mv.tags[VERSION_TAGS.snapshotId];
  return snap ? snapshotSource(deps.store, snap) : null;
}

function mismatch(candidate: string, champion: { version: string; source: string | null }, what: string) {
  return new RodentError(
    "RODENT_ERR_SOURCE_MISMATCH",
    champion.source
      ? `${what} trains on ${candidate}, but champion v${champion.version} was trained on ${champion.source}: a model of another city's data must not replace it`
      : `${what} trains on ${candidate}, but the source of champion v${champion.version} is unknown (no ${SOURCE_TAG} tag, snapshot gone): refusing rather than guessing`,
    { candidate, champion: champion.source, version: champion.version },
  );
}

/**
 * The source a training run uses: `--source`, else RODENT_SOURCE, else the champion's own source, else (an empty
 * registry) the embedded demo's synth:1. Whatever was asked for must equal the champion's source, unless
 * `allowChange` (an explicit operator decision, logged).
 */
export async function resolveTrainingSource(
  deps: { registry: Registry; tracker: Tracker; store: ObjectStore; log: Logger },
  opts: { requested?: string; configured?: string; allowChange?: boolean; synthSeed?: number; what?: string },
): Promise<ResolvedSource> {
  const canon = (s: string) => canonicalSource(s, { synthSeed: opts.synthSeed });
  const asked = opts.requested
    ? { source: canon(opts.requested), origin: "flag" as const }
    : opts.configured
      ? { source: canon(opts.configured), origin: "config" as const }
      : null;
  await deps.registry.createRegisteredModel(MODEL_NAME);
  const mv = await deps.registry.getAlias(MODEL_NAME, "champion");
  const champion = mv ? { version: mv.version, source: await versionSource(mv, deps) } : null;
  let resolved: ResolvedSource;
  if (asked) resolved = { ...asked, champion };
  else if (champion?.source) resolved = { source: champion.source, origin: "champion", champion };
  else if (champion)
    throw new RodentError(
      "RODENT_ERR_SOURCE_MISMATCH",
      `no source given (--source or RODENT_SOURCE) and the source of champion v${champion.version} is unknown: set RODENT_SOURCE to the deployment's source`,
      { version: champion.version },
    );
  else resolved = { source: canon(DEFAULT_SOURCE), origin: "demo-default", champion: null };
  if (champion && resolved.source !== champion.source) {
    if (!opts.allowChange) throw mismatch(resolved.source, champion, opts.what ?? "this run");
    deps.log.warn(
      { source: resolved.source, champion: champion.version, championSource: champion.source },
      "switching the deployment's source on purpose (--allow-source-change)",
    );
  }
  deps.log.info({ source: resolved.source, origin: resolved.origin }, "training source");
  return resolved;
}

/**
 * The register step's check (also the path Argo's separate `rodent register` step takes): a run trained on
 * another source than the champion's is refused before it becomes a version.
 */
export async function checkCandidateSource(
  deps: { registry: Registry; tracker: Tracker; store: ObjectStore },
  candidate: string | null,
  allowChange = false,
): Promise<void> {
  const mv = await deps.registry.getAlias(MODEL_NAME, "champion");
  if (!mv || allowChange) return;
  const champion = { version: mv.version, source: await versionSource(mv, deps) };
  if (candidate === null) {
    if (champion.source === null) return; // neither recorded: nothing to compare (models from before the rule)
    throw new RodentError(
      "RODENT_ERR_SOURCE_MISMATCH",
      `the candidate's source is unknown (no ${SOURCE_TAG} tag on its run) while champion v${champion.version} was trained on ${champion.source}`,
      { champion: champion.source, version: champion.version },
    );
  }
  if (champion.source !== candidate) throw mismatch(candidate, champion, "the candidate");
}
