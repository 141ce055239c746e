import { describe, expect, it } from "vitest";
import { isRodentError } from "../errors.js";
import type { TrainingSet } from "../features/index.js";
import { decodeTrainingSet, encodeTrainingSet } from "./training-set-file.js";

function tiny(n: number): TrainingSet {
  const schema = {
    version: "t-1",
    features: [
      { name: "a", kind: "numeric" as const, description: "a" },
      { name: "b", kind: "indicator" as const, group: "g", description: "b" },
    ],
  };
  return {
    table: {
      schema,
      n,
      columns: [
        Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? Number.NaN : i / 7)),
        Float32Array.from({ length: n }, (_, i) => i % 2),
      ],
    },
    label: Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)),
    day: Int32Array.from({ length: n }, (_, i) => 19000 + i),
    camis: Array.from({ length: n }, (_, i) => `C${i}`),
    inspectionType: Array.from({ length: n }, (_, i) =>
      i % 2 ? "Cycle Inspection / Initial Inspection" : "Pre-permit",
    ),
    borough: Uint8Array.from({ length: n }, (_, i) => i % 5),
    prevRodent: Float32Array.from({ length: n }, (_, i) => (i % 4 === 0 ? Number.NaN : i % 2)),
    prevScore: Float32Array.from({ length: n }, (_, i) => i * 1.5),
  };
}

describe("training-set file", () => {
  it("round-trips every column bit for bit (NaN included), at odd lengths", () => {
    for (const n of [0, 1, 7, 1001]) {
      const ts = tiny(n);
      const back = decodeTrainingSet(encodeTrainingSet(ts));
      expect(back.table.schema).toEqual(ts.table.schema);
      expect(back.table.n).toBe(n);
      for (const [i, c] of back.table.columns.entries()) {
        expect(Buffer.from(c.buffer)).toEqual(Buffer.from(ts.table.columns[i]!.buffer));
      }
      for (const k of ["label", "day", "borough", "prevRodent", "prevScore"] as const) {
        expect(back[k].constructor).toBe(ts[k].constructor);
        expect(Buffer.from(back[k].buffer)).toEqual(Buffer.from(ts[k].buffer));
      }
      expect(back.camis).toEqual(ts.camis);
      expect(back.inspectionType).toEqual(ts.inspectionType);
    }
  });

  it("rejects other content", () => {
    try {
      decodeTrainingSet(Buffer.from("hello"), "x.bin");
      expect.unreachable();
    } catch (e) {
      expect(isRodentError(e, "RODENT_ERR_FILE_FORMAT")).toBe(true);
    }
  });
});
