import { RodentError } from "../errors.js";

// Defining is separate from running: a pipeline is a list of nodes with named inputs and outputs; the run
// order derives from the names (a node runs after the producers of its inputs). Building rejects duplicate
// producers, unknown inputs and cycles. The in-process runner (run.ts) walks this order; on a cluster each
// node is one Argo Workflows step running the matching `rodent` command.

export interface NodeSpec {
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
}

/** Nodes in an order where every input is produced before it is read. */
export function orderNodes<N extends NodeSpec>(nodes: readonly N[], provided: readonly string[] = []): N[] {
  const producer = new Map<string, N>();
  for (const n of nodes) {
    for (const o of n.outputs) {
      const other = producer.get(o);
      if (other || provided.includes(o)) {
        throw new RodentError(
          "RODENT_ERR_INVALID_ARGUMENT",
          `pipeline: output ${o} of ${n.name} is already produced by ${other?.name ?? "the caller"}`,
        );
      }
      producer.set(o, n);
    }
  }
  const out: N[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (n: N, path: string[]) => {
    const s = state.get(n.name);
    if (s === "done") return;
    if (s === "visiting")
      throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `pipeline: cycle ${[...path, n.name].join(" → ")}`);
    state.set(n.name, "visiting");
    for (const i of n.inputs) {
      if (provided.includes(i)) continue;
      const p = producer.get(i);
      if (!p) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `pipeline: input ${i} of ${n.name} has no producer`);
      visit(p, [...path, n.name]);
    }
    state.set(n.name, "done");
    out.push(n);
  };
  for (const n of nodes) visit(n, []);
  return out;
}
