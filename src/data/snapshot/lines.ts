import type { Readable } from "node:stream";

/** Lines of a text stream (LF or CRLF), without the line ends. Faster than node:readline for big files. */
export async function* readLines(stream: NodeJS.ReadableStream | Readable): AsyncGenerator<string> {
  (stream as Readable).setEncoding?.("utf8");
  let rest = "";
  for await (const chunk of stream as AsyncIterable<string>) {
    const s = rest ? rest + chunk : chunk;
    let p = 0;
    for (;;) {
      const nl = s.indexOf("\n", p);
      if (nl < 0) break;
      yield s.slice(p, nl > p && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      p = nl + 1;
    }
    rest = p < s.length ? s.slice(p) : "";
  }
  if (rest) yield rest;
}
