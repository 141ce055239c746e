import { RodentError } from "../errors.js";
import type { TrainingSet } from "../features/index.js";

// The features step's output on disk (in the object store): one binary file, so a later train or evaluate
// step reuses the table without rebuilding it. Layout: "RDTS1\n", u32 header length, header JSON
// (schema, n, string columns, section table), then the typed-array sections, each 8-byte aligned.

const MAGIC = Buffer.from("RDTS1\n");
type Numeric = Float32Array | Int32Array | Uint8Array;
const CTORS = { f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;
type Kind = keyof typeof CTORS;

interface Section {
  name: string;
  kind: Kind;
  offset: number;
  length: number;
}

function kindOf(a: Numeric): Kind {
  if (a instanceof Float32Array) return "f32";
  if (a instanceof Int32Array) return "i32";
  return "u8";
}

export function encodeTrainingSet(ts: TrainingSet): Buffer {
  const arrays: [string, Numeric][] = [
    ["label", ts.label],
    ["day", ts.day],
    ["borough", ts.borough],
    ["prevRodent", ts.prevRodent],
    ["prevScore", ts.prevScore],
    ...ts.table.columns.map((c, i) => [`col:${i}`, c] as [string, Numeric]),
  ];
  const sections: Section[] = [];
  let offset = 0;
  for (const [name, a] of arrays) {
    sections.push({ name, kind: kindOf(a), offset, length: a.length });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const header = Buffer.from(
    JSON.stringify({
      schema: ts.table.schema,
      n: ts.table.n,
      camis: ts.camis,
      inspectionType: ts.inspectionType,
      sections,
    }),
  );
  const headLen = Buffer.alloc(4);
  headLen.writeUInt32LE(header.length);
  const pre = MAGIC.length + 4 + header.length;
  const pad = (8 - (pre % 8)) % 8;
  const body = Buffer.alloc(offset);
  for (const [i, [, a]] of arrays.entries()) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(body, sections[i]!.offset);
  }
  return Buffer.concat([MAGIC, headLen, header, Buffer.alloc(pad), body]);
}

export function decodeTrainingSet(buf: Buffer, origin = "training set"): TrainingSet {
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new RodentError("RODENT_ERR_FILE_FORMAT", `${origin}: not a rodent training-set file`);
  }
  const headLen = buf.readUInt32LE(MAGIC.length);
  const headStart = MAGIC.length + 4;
  const h = JSON.parse(buf.subarray(headStart, headStart + headLen).toString("utf8"));
  const pre = headStart + headLen;
  const base = pre + ((8 - (pre % 8)) % 8);
  const get = (s: Section): Numeric => {
    const C = CTORS[s.kind];
    const bytes = s.length * C.BYTES_PER_ELEMENT;
    // Copy into a fresh, aligned buffer: the source Buffer may sit at any offset of a shared pool.
    const out = new C(s.length);
    new Uint8Array(out.buffer).set(buf.subarray(base + s.offset, base + s.offset + bytes));
    return out;
  };
  const byName = new Map<string, Numeric>((h.sections as Section[]).map((s) => [s.name, get(s)]));
  const columns = (h.schema.features as unknown[]).map((_, i) => byName.get(`col:${i}`) as Float32Array);
  return {
    table: { schema: h.schema, n: h.n, columns },
    label: byName.get("label") as Uint8Array,
    day: byName.get("day") as Int32Array,
    borough: byName.get("borough") as Uint8Array,
    prevRodent: byName.get("prevRodent") as Float32Array,
    prevScore: byName.get("prevScore") as Float32Array,
    camis: h.camis,
    inspectionType: h.inspectionType,
  };
}
