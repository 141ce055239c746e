import { describe, expect, it } from "vitest";
import { orderNodes } from "./definition.js";

const node = (name: string, inputs: string[], outputs: string[]) => ({ name, inputs, outputs });

describe("orderNodes", () => {
  it("orders by data dependencies, whatever the listing order", () => {
    const order = orderNodes(
      [
        node("train", ["table"], ["run"]),
        node("features", ["snapshot"], ["table"]),
        node("ingest", ["source"], ["snapshot"]),
      ],
      ["source"],
    );
    expect(order.map((n) => n.name)).toEqual(["ingest", "features", "train"]);
  });
  it("rejects duplicate producers, missing producers and cycles", () => {
    expect(() => orderNodes([node("a", [], ["x"]), node("b", [], ["x"])])).toThrow(/already produced by a/);
    expect(() => orderNodes([node("a", ["y"], ["x"])])).toThrow(/input y of a has no producer/);
    expect(() => orderNodes([node("a", ["y"], ["x"]), node("b", ["x"], ["y"])])).toThrow(/cycle/);
  });
});
