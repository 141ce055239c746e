import type { FeatureSchema, FeatureTable } from "../features/schema.js";
import { F32_MAX } from "./row-validator.js";

// The fast path of POST /v1/predict: one pass over the request bytes that parses the JSON, checks every value and
// fills the column-major table, with no string decoding, no row objects and no property lookups. For a 100-row
// batch it takes about half the CPU of JSON.parse plus the row validator. It accepts only the shape clients produce
// when they write rows in the schema's feature order: {"rows":[{"<f0>":v,…,"<fF-1>":v},…]} with any JSON
// whitespace, keys without escapes, and numbers or null as values. Anything else, valid or not (another key
// order, an escape, a wrong value, a syntax error), returns null and the request takes the general path
// (JSON.parse + row-validator.ts), which gives the same table for a valid body and the 400 naming the field for
// an invalid one. So this file needs no error messages, and its strictness costs only speed, never an answer.

/** 10^k for k ≤ 22, all exact doubles: m·10^k and m/10^k (m ≤ 2^53) are then correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

const TAB = "\t".charCodeAt(0);
const LF = "\n".charCodeAt(0);
const CR = "\r".charCodeAt(0);
const SPACE = " ".charCodeAt(0);
const PLUS = "+".charCodeAt(0);
const COMMA = ",".charCodeAt(0);
const MINUS = "-".charCodeAt(0);
const DOT = ".".charCodeAt(0);
const ZERO = "0".charCodeAt(0);
const ONE = "1".charCodeAt(0);
const NINE = "9".charCodeAt(0);
const COLON = ":".charCodeAt(0);
const UPPER_E = "E".charCodeAt(0);
const LOWER_E = "e".charCodeAt(0);
const LBRACKET = "[".charCodeAt(0);
const RBRACKET = "]".charCodeAt(0);
const LBRACE = "{".charCodeAt(0);
const RBRACE = "}".charCodeAt(0);
const LOWER_N = "n".charCodeAt(0);
const LOWER_U = "u".charCodeAt(0);
const LOWER_L = "l".charCodeAt(0);

/** The table, or null when the body must take the general path. */
export type RowsParser = (body: Buffer) => FeatureTable | null;

/** Index of the first non-whitespace byte at or after p. Callers test `b[p] <= SPACE` first: JSON's whitespace
 * bytes are all ≤ 32 and its other bytes all above, so the common compact case costs one comparison. */
function skipWs(b: Uint8Array, p: number): number {
  let c = b[p];
  while (c === SPACE || c === LF || c === CR || c === TAB) c = b[++p];
  return p;
}

export function compileRowsParser(schema: FeatureSchema, maxRows: number): RowsParser {
  const F = schema.features.length;
  const enc = new TextEncoder();
  // Every key with its quotes, as JSON.stringify writes it (a client's escaped spelling takes the general path),
  // laid out flat for the hot loop: key j is words[wordStart[j] .. wordStart[j + 1]) as little-endian 32-bit
  // words, compared four bytes at a time, then its last (length mod 4) bytes, tail[tailStart[j] .. tailStart[j + 1]).
  const parts = schema.features.map((f) => enc.encode(JSON.stringify(f.name)));
  const keyLen = Int32Array.from(parts, (k) => k.length);
  const wordStart = new Int32Array(F + 1);
  const tailStart = new Int32Array(F + 1);
  for (let j = 0; j < F; j++) {
    wordStart[j + 1] = wordStart[j] + (keyLen[j] >> 2);
    tailStart[j + 1] = tailStart[j] + (keyLen[j] & 3);
  }
  const words = new Int32Array(wordStart[F]);
  const tail = new Uint8Array(tailStart[F]);
  parts.forEach((k, j) => {
    const kv = new DataView(k.buffer, k.byteOffset, k.length);
    for (let w = 0; w < keyLen[j] >> 2; w++) words[wordStart[j] + w] = kv.getInt32(w * 4, true);
    tail.set(k.subarray(keyLen[j] & ~3), tailStart[j]);
  });
  const rowsKey = enc.encode('"rows"');
  const indicator = Uint8Array.from(schema.features, (f) => (f.kind === "indicator" ? 1 : 0));
  // The fewest bytes a row can take ({}, keys, colons, one-digit values, commas), so body bytes / minRow bounds
  // the row count and one allocation holds every column.
  const minRow = 2 + tailStart[F] + 4 * wordStart[F] + 3 * F;

  return (b: Buffer): FeatureTable | null => {
    const len = b.length;
    const cap = Math.min(maxRows, Math.floor(len / minRow));
    if (cap < 1) return null;
    const dv = new DataView(b.buffer, b.byteOffset, len);
    let p = skipWs(b, 0);
    if (b[p] !== LBRACE) return null;
    p++;
    if (b[p] <= SPACE) p = skipWs(b, p);
    for (let k = 0; k < rowsKey.length; k++, p++) if (b[p] !== rowsKey[k]) return null;
    if (b[p] <= SPACE) p = skipWs(b, p);
    if (b[p] !== COLON) return null;
    p++;
    if (b[p] <= SPACE) p = skipWs(b, p);
    if (b[p] !== LBRACKET) return null;
    p++;
    if (b[p] <= SPACE) p = skipWs(b, p);
    // Column j is data[j·cap, j·cap + n).
    const data = new Float32Array(F * cap);
    let n = 0;
    for (;;) {
      if (n === cap || b[p] !== LBRACE) return null;
      p++;
      if (b[p] <= SPACE) p = skipWs(b, p);
      for (let j = 0; j < F; j++) {
        if (j > 0) {
          if (b[p] !== COMMA) return null;
          p++;
          if (b[p] <= SPACE) p = skipWs(b, p);
        }
        if (p + keyLen[j] > len) return null;
        const we = wordStart[j + 1];
        for (let w = wordStart[j]; w < we; w++, p += 4) if (dv.getInt32(p, true) !== words[w]) return null;
        const te = tailStart[j + 1];
        for (let k = tailStart[j]; k < te; k++, p++) if (b[p] !== tail[k]) return null;
        if (b[p] <= SPACE) p = skipWs(b, p);
        if (b[p] !== COLON) return null;
        p++;
        if (b[p] <= SPACE) p = skipWs(b, p);
        let c = b[p];
        let v: number;
        if (c === LOWER_N) {
          if (b[p + 1] !== LOWER_U || b[p + 2] !== LOWER_L || b[p + 3] !== LOWER_L) return null;
          p += 4;
          v = Number.NaN;
        } else {
          // JSON's number grammar, -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, read as mantissa m · 10^e10.
          const start = p;
          const neg = c === MINUS;
          if (neg) c = b[++p];
          let m = 0;
          let e10 = 0;
          if (c === ZERO) c = b[++p];
          else if (c >= ONE && c <= NINE) {
            do {
              m = m * 10 + (c - ZERO);
              c = b[++p];
            } while (c >= ZERO && c <= NINE);
          } else return null;
          if (c === DOT) {
            c = b[++p];
            if (!(c >= ZERO && c <= NINE)) return null;
            do {
              m = m * 10 + (c - ZERO);
              e10--;
              c = b[++p];
            } while (c >= ZERO && c <= NINE);
          }
          if (c === LOWER_E || c === UPPER_E) {
            c = b[++p];
            let sign = 1;
            if (c === PLUS) c = b[++p];
            else if (c === MINUS) {
              sign = -1;
              c = b[++p];
            }
            if (!(c >= ZERO && c <= NINE)) return null;
            let e = 0;
            do {
              if (e < 1e6) e = e * 10 + (c - ZERO);
              c = b[++p];
            } while (c >= ZERO && c <= NINE);
            e10 += sign * e;
          }
          // m is exact while it stays ≤ 2^53 (it only grows, so a rounded step leaves it above). Then one
          // multiplication or division by an exact power of ten rounds once, to the double JSON.parse gives
          // (Clinger's fast path); other numbers are converted from their text, as JSON.parse does.
          if (m <= Number.MAX_SAFE_INTEGER && e10 >= -22 && e10 <= 22) {
            v = e10 < 0 ? m / POW10[-e10] : m * POW10[e10];
            if (neg) v = -v;
          } else {
            v = Number(b.toString("latin1", start, p));
          }
          if (indicator[j] === 1) {
            if (v !== 0 && v !== 1) return null;
          } else if (!(v <= F32_MAX && v >= -F32_MAX)) return null;
        }
        data[j * cap + n] = v;
        if (b[p] <= SPACE) p = skipWs(b, p);
      }
      if (b[p] !== RBRACE) return null;
      n++;
      p++;
      if (b[p] <= SPACE) p = skipWs(b, p);
      if (b[p] === RBRACKET) break;
      if (b[p] !== COMMA) return null;
      p++;
      if (b[p] <= SPACE) p = skipWs(b, p);
    }
    p++;
    if (b[p] <= SPACE) p = skipWs(b, p);
    if (b[p] !== RBRACE) return null;
    p = skipWs(b, p + 1);
    if (p !== len) return null;
    const columns = new Array<Float32Array>(F);
    for (let j = 0; j < F; j++) columns[j] = data.subarray(j * cap, j * cap + n);
    return { schema, n, columns };
  };
}
