import { readFile } from "node:fs/promises";
import path from "node:path";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { RodentError } from "../../errors.js";
import { ErrorResponse } from "../schemas/common.js";

// The latest replay's output (`rodent replay` writes RODENT_HOME/replay/latest/{replay.json,replay.svg}),
// for the page's Health view. Read per request: a replay run while the service is up shows at once. No replay
// yet is a normal state, so GET /v1/replay answers 200 with `available: false` rather than an error.

const replayFile = (home: string, file: string) => path.join(home, "replay", "latest", file);

async function readLatest(home: string | undefined, file: string): Promise<string> {
  if (!home) throw new RodentError("RODENT_ERR_NOT_FOUND", "replay: this service was started without RODENT_HOME");
  const p = replayFile(home, file);
  try {
    return await readFile(p, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new RodentError("RODENT_ERR_NOT_FOUND", `replay: no ${file} yet (run \`rodent replay\`; looked in ${p})`);
    }
    throw e;
  }
}

/**
 * The stored replay.json, parsed. A file that is not JSON, or JSON that holds no replay (a number, a string,
 * null), is the operator's to fix on the server, not the client's: RODENT_ERR_STORED_FILE (500) naming the file,
 * what is wrong, and the command that writes it again, rather than an anonymous internal error.
 */
function parseReplayJson(text: string, file: string): unknown {
  const rerun =
    "run `rodent replay` again (it rewrites the file), or delete the file to clear the Health view's replay";
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RodentError(
      "RODENT_ERR_STORED_FILE",
      `replay: ${file} is not valid JSON (${(e as Error).message}); ${rerun}`,
    );
  }
  if (doc === null || typeof doc !== "object")
    throw new RodentError(
      "RODENT_ERR_STORED_FILE",
      `replay: ${file} holds ${doc === null ? "null" : `a ${typeof doc}`}, not a replay's results (an object with \`results\`, or an array of them); ${rerun}`,
    );
  return doc;
}

const ReplayResponse = Type.Object({
  available: Type.Boolean(),
  results: Type.Union([Type.Array(Type.Unknown(), { description: "one ReplayResult per policy" }), Type.Null()]),
  chart: Type.Union([Type.String({ description: "URL of the SVG chart" }), Type.Null()]),
  recommendation: Type.Union([
    Type.Object(
      { policy: Type.String(), reason: Type.String() },
      { description: "the policy the replay recommends, and why" },
    ),
    Type.Null(),
  ]),
  meta: Type.Union([Type.Unknown({ description: "source, namespace, range, scenario of the replay" }), Type.Null()]),
});

const uiReplay: FastifyPluginAsyncTypebox<{ home?: string }> = async (app, opts) => {
  app.get(
    "/replay",
    {
      schema: {
        summary: "The latest replay's results as written by `rodent replay` (available: false when none was run)",
        tags: ["model"],
        response: { 200: ReplayResponse, 500: ErrorResponse },
      },
    },
    async (_req, reply) => {
      reply.header("cache-control", "no-cache");
      let text: string;
      try {
        text = await readLatest(opts.home, "replay.json");
      } catch (e) {
        if ((e as RodentError).code === "RODENT_ERR_NOT_FOUND")
          return { available: false, results: null, chart: null, recommendation: null, meta: null };
        throw e;
      }
      const doc = parseReplayJson(text, replayFile(opts.home as string, "replay.json"));
      // One result per policy: an array, an object holding `results`, or a single result.
      const obj = doc as {
        results?: unknown;
        recommendation?: { policy: string; reason: string };
        meta?: unknown;
      } | null;
      const inner = obj?.results;
      const results = Array.isArray(doc) ? doc : Array.isArray(inner) ? inner : [doc];
      return {
        available: true,
        results,
        chart: "/v1/replay/chart.svg",
        recommendation: Array.isArray(doc) ? null : (obj?.recommendation ?? null),
        meta: Array.isArray(doc) ? null : (obj?.meta ?? null),
      };
    },
  );
  app.get(
    "/replay/chart.svg",
    {
      schema: {
        summary: "The latest replay's chart (SVG)",
        tags: ["model"],
        response: { 200: Type.String(), 404: ErrorResponse },
      },
    },
    async (_req, reply) => {
      const svg = await readLatest(opts.home, "replay.svg");
      reply.header("cache-control", "no-cache").type("image/svg+xml; charset=utf-8");
      return svg;
    },
  );
};
export default uiReplay;
