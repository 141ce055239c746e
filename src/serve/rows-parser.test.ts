import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FeatureTable } from "../features/index.js";
import { FEATURE_SCHEMA } from "../features/index.js";
import { compileRowsValidator, F32_MAX, FEATURE_TABLE } from "./row-validator.js";
import { compileRowsParser } from "./rows-parser.js";
import { syntheticTable } from "./test-fixtures.js";

const schema = FEATURE_SCHEMA;
const names = schema.features.map((f) => f.name);
const numeric = schema.features.findIndex((f) => f.kind !== "indicator");
const indicatorName = schema.features.find((f) => f.kind === "indicator")!.name;
const parse = compileRowsParser(schema, 50);
const validate = compileRowsValidator(schema, 50);

/** The general path: JSON.parse, then the validator; null when it refuses the body. */
function general(text: string): FeatureTable | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  return validate(body) ? (body as { [FEATURE_TABLE]: FeatureTable })[FEATURE_TABLE] : null;
}

function expectSameTable(a: FeatureTable | null, b: FeatureTable | null) {
  expect(a).not.toBeNull();
  expect(b).not.toBeNull();
  expect(a!.n).toBe(b!.n);
  for (let j = 0; j < names.length; j++) {
    // Object.is: NaN equals NaN, and -0 differs from 0.
    for (let i = 0; i < a!.n; i++) if (!Object.is(a!.columns[j][i], b!.columns[j][i])) expect([j, i]).toBe("equal");
    expect(a!.columns[j].length).toBe(a!.n);
  }
}

function rowsOf(t: FeatureTable): Record<string, number | null>[] {
  return Array.from({ length: t.n }, (_, i) =>
    Object.fromEntries(names.map((n, j) => [n, Number.isNaN(t.columns[j][i]) ? null : t.columns[j][i]])),
  );
}

const row0 = () => rowsOf(syntheticTable(1, 3))[0];
const body = (rows: unknown[]) => JSON.stringify({ rows });

describe("the byte parser of POST /v1/predict bodies", () => {
  it("gives the general path's table for rows in schema order, compact or indented", () => {
    const rows = rowsOf(syntheticTable(40, 7));
    const text = body(rows);
    expectSameTable(parse(Buffer.from(text)), general(text));
    const pretty = JSON.stringify({ rows }, null, 2).replace(/\n/g, "\r\n\t");
    expectSameTable(parse(Buffer.from(pretty)), general(pretty));
  });

  it("reads every JSON number as JSON.parse does", () => {
    const r = (seed: number) => {
      let s = seed;
      return () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s / 4294967296;
      };
    };
    const rand = r(5);
    const texts: string[] = [
      "0",
      "-0",
      "-0.0",
      "1",
      "12",
      "0.1",
      "0.30000000000000004",
      "123456789012345678",
      "9007199254740993",
      "1.7976931348623157",
      "1e5",
      "1E+5",
      "25e-3",
      "-4.5e-7",
      "1e-400",
      "3.4028234663852886e38",
      "-3.4028234663852886e+38",
      "0.000000000000000000000000001",
      "100000000000000000000000",
      "1.00000000000000000000000000000000001",
    ];
    for (let k = 0; k < 300; k++) {
      const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
      texts.push(String(x), x.toExponential(Math.floor(rand() * 12)), x.toFixed(Math.floor(rand() * 12)));
    }
    for (let k = 0; k < texts.length; k += 20) {
      const rows = texts.slice(k, k + 20).map((t, i) => {
        const row = row0();
        row[names[numeric]] = 1000 + i; // placeholder, replaced by the text below
        return JSON.stringify(row).replace(`"${names[numeric]}":${1000 + i}`, `"${names[numeric]}":${t}`);
      });
      const text = `{"rows":[${rows.join(",")}]}`;
      expectSameTable(parse(Buffer.from(text)), general(text));
    }
  });

  it.each([
    [
      "a key twice in a row",
      () =>
        body([row0()])
          .replace(`{"${names[0]}"`, `{"${names[1]}":1,"${names[0]}"`)
          .replace(/,"[^"]+":[^,}]+}/, "}"),
    ],
    [
      "an escaped key",
      () =>
        body([row0()]).replace(`"${names[0]}"`, `"\\u00${names[0].charCodeAt(0).toString(16)}${names[0].slice(1)}"`),
    ],
    ["a missing feature", () => body([{ ...row0(), [names[5]]: undefined }])],
    ["an unknown feature", () => body([{ ...row0(), extra: 1 }])],
    ["a string value", () => body([{ ...row0(), [names[numeric]]: "1" }])],
    ["a boolean", () => body([{ ...row0(), [names[numeric]]: true }])],
    ["NaN", () => body([row0()]).replace(/:null/, ":NaN")],
    ["Infinity (1e400)", () => body([{ ...row0(), [names[numeric]]: 7.25 }]).replace("7.25", "1e400")],
    ["beyond float32", () => body([{ ...row0(), [names[numeric]]: F32_MAX * 2 }])],
    ["an indicator of 2", () => body([{ ...row0(), [indicatorName]: 2 }])],
    ["a leading zero", () => body([{ ...row0(), [names[numeric]]: 7 }]).replace(":7,", ":07,")],
    ["a plus sign", () => body([{ ...row0(), [names[numeric]]: 7 }]).replace(":7,", ":+7,")],
    ["a bare fraction", () => body([{ ...row0(), [names[numeric]]: 7 }]).replace(":7,", ":.7,")],
    ["a trailing dot", () => body([{ ...row0(), [names[numeric]]: 7 }]).replace(":7,", ":7.,")],
    ["an empty exponent", () => body([{ ...row0(), [names[numeric]]: 7 }]).replace(":7,", ":7e,")],
    ["a lone minus", () => body([{ ...row0(), [names[numeric]]: 7 }]).replace(":7,", ":-,")],
    ["a trailing comma in a row", () => body([row0()]).replace(/}]}$/, ",}]}")],
    ["a trailing comma in rows", () => body([row0()]).replace(/}]}$/, "},]}")],
    ["no rows", () => body([])],
    ["a row that is an array", () => body([[1, 2]])],
    ["rows not an array", () => JSON.stringify({ rows: row0() })],
    ["an extra top-level key", () => JSON.stringify({ rows: [row0()], x: 1 })],
    ["the rows key twice", () => `{"rows":[],${body([row0()]).slice(1)}`],
    ["text after the body", () => `${body([row0()])} x`],
    ["a truncated body", () => body([row0()]).slice(0, -3)],
    ["an empty body", () => ""],
    ["more rows than the limit", () => body(Array.from({ length: 51 }, row0))],
  ])("leaves %s to the general path", (what, make) => {
    const text = make();
    expect(parse(Buffer.from(text))).toBeNull();
    // A few are valid bodies the general path takes; the rest are refused there with a 400.
    expect(general(text) !== null).toBe(["an escaped key", "the rows key twice"].includes(what));
  });

  it("takes rows in any key order in one pass: one other order, and every row in its own", () => {
    const reversed = body(Array.from({ length: 20 }, () => Object.fromEntries(Object.entries(row0()).reverse())));
    expectSameTable(parse(Buffer.from(reversed)), general(reversed));
    // A seeded shuffle per row (the learned order misses often; the search still finds every key).
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const mixed = body(
      Array.from({ length: 30 }, () => {
        const entries = Object.entries(row0());
        for (let a = entries.length - 1; a > 0; a--) {
          const b = Math.floor(rand() * (a + 1));
          [entries[a], entries[b]] = [entries[b], entries[a]];
        }
        return Object.fromEntries(entries);
      }),
    );
    const t = parse(Buffer.from(mixed));
    expect(t).not.toBeNull();
    expectSameTable(t, general(mixed));
    // And the schema's order again after the parser learned others.
    const plain = body([row0(), row0()]);
    expectSameTable(parse(Buffer.from(plain)), general(plain));
  });

  it("converts a number of 300,000 digits as JSON.parse does", () => {
    const long = `0.${"0".repeat(300_000)}1`;
    const text = body([{ ...row0(), [names[numeric]]: 7 }]).replace(":7,", `:${long},`);
    expectSameTable(parse(Buffer.from(text)), general(text));
  });

  it("takes exactly the limit, and whitespace at both ends", () => {
    const text = ` \n${body(Array.from({ length: 50 }, row0))}\n `;
    expectSameTable(parse(Buffer.from(text)), general(text));
  });
});

describe("wasm/rows-wasm.ts", () => {
  it("is the compiled wasm/rows.wat (npm run build:wasm rebuilds it)", () => {
    const script = path.join(import.meta.dirname, "../../scripts/build-wasm.mjs");
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
