import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, type ErrorCode } from "./errors.js";

// Like Fastify's docs/Reference/Errors.md test: every code the system raises has a section in docs/errors.md that
// states the same HTTP status, so the page cannot fall behind src/errors.ts.
const page = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");
const sections = new Map<string, string>();
for (const part of page.split(/^## /m).slice(1)) {
  const [title, ...body] = part.split("\n");
  sections.set(title.trim(), body.join("\n"));
}

describe("docs/errors.md", () => {
  it("has one section per error code, each stating the code's HTTP status", () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const body = sections.get(code);
      expect(body, `docs/errors.md has no "## ${code}" section`).toBeDefined();
      expect(body, `${code}: the section must say "HTTP ${ERROR_CODES[code].status}"`).toMatch(
        new RegExp(`\\bHTTP ${ERROR_CODES[code].status}\\b`),
      );
    }
  });

  it("documents no code that src/errors.ts does not define", () => {
    const unknown = [...sections.keys()].filter((t) => t.startsWith("RODENT_ERR_") && !(t in ERROR_CODES));
    expect(unknown).toEqual([]);
  });
});
