import type { Command } from "commander";
import { cleanIngestTemp, createObjectStore, gcSnapshots, listSnapshots } from "../../data/index.js";
import { context, emit } from "../context.js";

/** `rodent snapshots`: the complete snapshots, oldest first. */
export function register(program: Command): void {
  program
    .command("snapshots")
    .description("list complete snapshots, oldest first (--gc deletes leftovers of interrupted ingests)")
    .option(
      "--gc",
      "delete objects of snapshots that never got a manifest and temp folders of killed ingests (run when no ingest is in progress)",
    )
    .option("--json", "print one JSON document on stdout")
    .action(async (o: { gc?: boolean; json?: boolean }) => {
      const { config } = context();
      const store = createObjectStore(config);
      const deleted = o.gc ? [...(await gcSnapshots(store)).deleted, ...(await cleanIngestTemp(config))] : [];
      const all = await listSnapshots(store);
      const rows = all.map((m) => ({
        id: m.id,
        created_at: m.created_at,
        source: m.source,
        code_version: m.code_version,
        datasets: Object.fromEntries(
          Object.entries(m.datasets).map(([d, s]) => [
            d,
            { rows: s!.rows, quarantined: s!.quarantined, min_date: s!.min_date, max_date: s!.max_date },
          ]),
        ),
      }));
      emit(o.json, { store: store.uri, snapshots: rows, ...(o.gc ? { deleted } : {}) }, () => {
        if (rows.length === 0)
          return `no snapshots in ${store.uri}${o.gc ? ` (deleted ${deleted.length} stray objects)` : ""}`;
        const lines = rows.map((r) => {
          const ds = Object.entries(r.datasets)
            .map(([d, s]) => `${d} ${s.rows}`)
            .join(", ");
          return `${r.id}  ${r.created_at.slice(0, 19)}  ${r.source.padEnd(12)}  ${ds}`;
        });
        if (o.gc) lines.push(`deleted ${deleted.length} stray objects`);
        return lines.join("\n");
      });
    });
}
