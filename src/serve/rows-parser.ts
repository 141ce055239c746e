import type { FeatureSchema, FeatureTable } from "../features/index.js";
import { WASM_PAGE as PAGE, WA, type WasmMemory, wasmModule } from "../util/wasm.js";
import { F32_MAX } from "./row-validator.js";
import { ROWS_WASM } from "./wasm/rows-wasm.js";

// The fast path of POST /v1/predict: one pass over the request bytes that parses the JSON, checks every value and
// fills the column-major table, with no string decoding, no row objects and no property lookups. It runs in
// WebAssembly (wasm/rows.wat): for a 100-row batch ~4× less CPU than JSON.parse plus the row validator, and ~2.5×
// less than the same loop in JavaScript. It accepts the shape clients produce: {"rows":[{"<f>":v,…},…]} with every
// feature once per row in any key order (rows sharing one order, the usual case, cost the same as the schema's
// order: the parser learns it, see wasm/rows.wat), any JSON whitespace, keys without escapes, and numbers or null
// as values. Anything else, valid or not (an escape, a wrong value, a repeated or missing key, a syntax error),
// returns null and the request takes the general path (JSON.parse + row-validator.ts), which
// gives the same table for a valid body and the 400 naming the field for an invalid one. So this file needs no
// error messages, and its strictness costs only speed, never an answer.

/** The table, or null when the body must take the general path. The body may come as the chunks it arrived in. */
export type RowsParser = (body: Uint8Array | readonly Uint8Array[]) => FeatureTable | null;

const align = (x: number, a: number) => Math.ceil(x / a) * a;

/**
 * One WebAssembly instance per parser, its memory laid out as rows.wat describes: key descriptors, powers of ten
 * and key bytes (written once), then per request the body, the float32 table and the list of numbers left to
 * Number(). The memory grows to the largest body seen (bounded by the route's body limit) and is reused.
 */
export function compileRowsParser(schema: FeatureSchema, maxRows: number): RowsParser {
  const F = schema.features.length;
  const { exports } = new WA.Instance(wasmModule(ROWS_WASM), {});
  const memory = exports.memory as WasmMemory;
  const run = exports.parse as (...a: number[]) => number;
  const nhard = exports.nhard as { value: number };
  const enc = new TextEncoder();
  const keys = [...schema.features.map((f) => enc.encode(JSON.stringify(f.name))), enc.encode('"rows"')];
  const indicator = schema.features.map((f) => f.kind === "indicator");
  const DESC = 0;
  const POW = align(16 * (F + 1), 8);
  const KEYS = POW + 23 * 8;
  let keyEnd = KEYS;
  const keyAt = keys.map((k) => {
    const at = keyEnd;
    keyEnd += k.length;
    return at;
  });
  // The learned key order (kept across requests) and the per-row "seen" stamps, one i32 per feature each.
  const ORD = align(keyEnd, 16);
  const STAMP = ORD + 4 * F;
  const BODY = align(STAMP + 4 * F + 16, 16);
  const pad = Math.max(...keys.map((k) => k.length)) + 16;
  // The fewest bytes a row can take ({}, keys, colons, one-digit values, commas), so body bytes / minRow bounds
  // the row count and sizes the table.
  let keyBytes = 0;
  for (let j = 0; j < F; j++) keyBytes += keys[j].length;
  const minRow = 2 + keyBytes + 3 * F;
  const ensure = (bytes: number) => {
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
  };
  ensure(BODY);
  {
    const dv = new DataView(memory.buffer);
    keys.forEach((k, j) => {
      dv.setInt32(DESC + 16 * j, keyAt[j], true);
      dv.setInt32(DESC + 16 * j + 4, k.length, true);
      dv.setInt32(DESC + 16 * j + 8, j < F && indicator[j] ? 1 : 0, true);
      new Uint8Array(memory.buffer, keyAt[j], k.length).set(k);
    });
    for (let k = 0; k <= 22; k++) dv.setFloat64(POW + 8 * k, Number(`1e${k}`), true);
    for (let j = 0; j < F; j++) dv.setInt32(ORD + 4 * j, j, true);
  }
  return (body: Uint8Array | readonly Uint8Array[]): FeatureTable | null => {
    const chunks = body instanceof Uint8Array ? [body] : body;
    let len = 0;
    for (const c of chunks) len += c.length;
    const cap = Math.min(maxRows, Math.floor(len / minRow));
    if (cap < 1) return null;
    const OUT = align(BODY + len + 1 + pad, 16);
    const HARD = OUT + 4 * F * cap;
    ensure(HARD + 12 * F * cap);
    const u8 = new Uint8Array(memory.buffer);
    let at = BODY;
    for (const c of chunks) {
      u8.set(c, at);
      at += c.length;
    }
    // A 0 byte after the body stops every scan there (it is valid nowhere in JSON); the padding after it keeps
    // the 8-byte key compares inside the memory.
    u8[BODY + len] = 0;
    u8.fill(0, STAMP, STAMP + 4 * F);
    const n = run(BODY, len, DESC, F, OUT, cap, HARD, POW, ORD, STAMP);
    if (n < 0) return null;
    const data = new Float32Array(memory.buffer.slice(OUT, OUT + 4 * F * cap));
    const nh = nhard.value;
    // Numbers with more than 2^53 in the mantissa or beyond 10^±22: converted from their text, as JSON.parse does.
    if (nh > 0) {
      const hard = new Int32Array(memory.buffer, HARD, 3 * nh);
      for (let t = 0; t < nh; t++) {
        const slot = hard[3 * t];
        const start = hard[3 * t + 1];
        const v = Number(Buffer.from(memory.buffer, start, hard[3 * t + 2] - start).toString("latin1"));
        if (indicator[Math.floor(slot / cap)]) {
          if (v !== 0 && v !== 1) return null;
        } else if (!(v <= F32_MAX && v >= -F32_MAX)) return null;
        data[slot] = v;
      }
    }
    const columns = new Array<Float32Array>(F);
    for (let j = 0; j < F; j++) columns[j] = data.subarray(j * cap, j * cap + n);
    return { schema, n, columns };
  };
}
