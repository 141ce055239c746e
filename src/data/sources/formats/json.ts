import { normalizeColumnName } from "../../parse/values.js";
import { fileFormatError, openText } from "./open.js";
import type { TableStream } from "./table.js";

/**
 * Yields the objects of a JSON array (the Socrata API's shape) or of the top-level arrays of a root object
 * (a GeoJSON FeatureCollection's `features`), one at a time: only the current object's text is buffered.
 */
export async function* jsonArrayElements(input: AsyncIterable<string>): AsyncGenerator<unknown> {
  const stack: number[] = []; // 0 = object, 1 = array
  let inStr = false;
  let esc = false;
  let capturing = false;
  let parts: string[] = [];
  // What the file is at its top: an array of records, or an object holding them in arrays (a FeatureCollection's
  // `features`). An object with no array at all is an API's error body ({"error":true,"message":"Query timeout"})
  // or some other document: an error, never a file of 0 rows.
  let root = -1;
  let arrays = 0;
  let head = "";
  for await (const chunk of input) {
    if (head.length < 200) head += chunk.slice(0, 200 - head.length);
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (inStr) {
        if (esc) esc = false;
        else if (c === 92) esc = true;
        else if (c === 34) inStr = false;
        continue;
      }
      if (c === 34) inStr = true;
      else if (c === 123 || c === 91) {
        const n = stack.length;
        if (n === 0) root = c;
        if (c === 91 && (n === 0 || (n === 1 && stack[0] === 0))) arrays++;
        if (c === 123 && !capturing && stack[n - 1] === 1 && (n === 1 || (n === 2 && stack[0] === 0))) {
          capturing = true;
          start = i;
        }
        stack.push(c === 123 ? 0 : 1);
      } else if (c === 125 || c === 93) {
        stack.pop();
        const n = stack.length;
        if (capturing && c === 125 && stack[n - 1] === 1 && (n === 1 || (n === 2 && stack[0] === 0))) {
          parts.push(chunk.slice(start, i + 1));
          capturing = false;
          const text = parts.join("");
          parts = [];
          yield JSON.parse(text);
        }
      }
    }
    if (capturing) parts.push(chunk.slice(start));
  }
  if (stack.length > 0 || inStr) throw new Error("truncated JSON");
  if (root === -1)
    throw new Error(
      head.trim() ? `no array or object at the top (starts ${JSON.stringify(head.trim().slice(0, 60))})` : "empty file",
    );
  if (arrays === 0)
    throw new Error(`a JSON object with no array of records (it starts ${JSON.stringify(head.trim().slice(0, 120))})`);
}

function text(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Flatten one API object or GeoJSON Feature into normalized-key → text; Point geometry fills latitude/longitude. */
export function flattenRecord(obj: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof obj !== "object" || obj === null) return out;
  const o = obj as Record<string, unknown>;
  const isFeature = o.type === "Feature" && typeof o.properties === "object";
  const props = (isFeature ? o.properties : o) as Record<string, unknown> | null;
  for (const [k, v] of Object.entries(props ?? {})) out.set(normalizeColumnName(k), text(v));
  if (isFeature) {
    const g = o.geometry as { type?: string; coordinates?: unknown } | null;
    if (g?.type === "Point" && Array.isArray(g.coordinates)) {
      if (!out.get("longitude")) out.set("longitude", text(g.coordinates[0]));
      if (!out.get("latitude")) out.set("latitude", text(g.coordinates[1]));
    }
  }
  return out;
}

/** Streams JSON / GeoJSON records laid out as cells under `columns` (normalized names). */
export async function readJson(file: string, gzip: boolean, columns: readonly string[]): Promise<TableStream> {
  const seen = new Set<string>();
  const text = { suspect: false };
  const stream = openText(file, gzip, text);
  async function* batches(): AsyncGenerator<string[][]> {
    try {
      for await (const obj of jsonArrayElements(stream)) {
        const m = flattenRecord(obj);
        for (const k of m.keys()) seen.add(k);
        yield [columns.map((c) => m.get(c) ?? "")];
      }
    } catch (e) {
      throw fileFormatError(file, `not a JSON array or GeoJSON FeatureCollection (${(e as Error).message})`);
    }
  }
  return { columns: [...columns], batches: batches(), seenColumns: seen, suspectText: () => text.suspect };
}
