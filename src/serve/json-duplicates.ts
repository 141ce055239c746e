// JSON.parse keeps the last of two equal keys ({"rows":"x","rows":[…]} is {"rows":[…]}), so a body can say one
// thing to this service and another to a proxy, a log reader or a second parser that keeps the first. The predict
// body is refused instead, with the key and where it is. The byte parser (rows-parser.ts) cannot accept a duplicate:
// it takes exactly "rows" once and each row's features once, in schema order. So only bodies on the general path
// (JSON.parse) are scanned, after they parsed, and the hot path pays nothing.

interface Frame {
  keys: Set<string> | null; // null for an array
  key: string;
  index: number;
}

/** The first key repeated in one object of a valid JSON text, with the JSON pointer of that object; else null. */
export function duplicateKey(text: string): { pointer: string; key: string } | null {
  const stack: Frame[] = [];
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let j = i + 1;
      let escaped = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 92) {
          escaped = true;
          j++;
        } else if (d === 34) break;
      }
      if (expectKey) {
        const top = stack[stack.length - 1]!;
        // Keys compare as the strings they decode to: "a" and "\u0061" are the same key.
        const key: string = escaped ? JSON.parse(text.slice(i, j + 1)) : text.slice(i + 1, j);
        if (top.keys!.has(key)) return { pointer: pointerOf(stack), key };
        top.keys!.add(key);
        top.key = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 123) {
      stack.push({ keys: new Set(), key: "", index: 0 });
      expectKey = true;
    } else if (c === 91) {
      stack.push({ keys: null, key: "", index: 0 });
    } else if (c === 125 || c === 93) {
      stack.pop();
      expectKey = false;
    } else if (c === 44) {
      const top = stack[stack.length - 1]!;
      if (top.keys) expectKey = true;
      else top.index++;
    }
  }
  return null;
}

/** The JSON pointer of the innermost open container (RFC 6901 escapes). */
function pointerOf(stack: Frame[]): string {
  let out = "";
  for (let d = 0; d < stack.length - 1; d++) {
    const f = stack[d]!;
    out += `/${f.keys ? f.key.replace(/~/g, "~0").replace(/\//g, "~1") : f.index}`;
  }
  return out;
}
