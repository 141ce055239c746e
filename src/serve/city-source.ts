import type { ServingSet } from "../features/index.js";

// Where the host gets its serving table: the latest snapshot (snapshot-city.ts) or a fixed table (benchmarks).

export interface CityRef {
  /** Snapshot id the serving table is built from. */
  id: string;
  /** Features date: the day after the snapshot's latest inspection. */
  asOf: string;
  /** Where the snapshot came from (its manifest's source: synth:1, dir:…, socrata). */
  source?: string;
  /** When the snapshot was made. */
  createdAt?: string;
  /** The snapshot's newest inspection date. */
  dataTo?: string;
}

export interface CitySource {
  /** The newest serving data available (cheap: read on every poll), or null when there is none. */
  latest(): Promise<CityRef | null>;
  load(ref: CityRef): Promise<ServingSet>;
}

export function dayAfter(isoDate: string): string {
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** A serving table that never changes (benchmarks, or a table built elsewhere). */
export function fixedCitySource(set: ServingSet, id = "fixed"): CitySource {
  return {
    async latest() {
      return { id, asOf: set.asOf };
    },
    async load() {
      return set;
    },
  };
}
