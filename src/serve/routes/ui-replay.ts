import { readFile } from "node:fs/promises";
import path from "node:path";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { RodentError } from "../../errors.js";
import { ErrorResponse } from "../schemas/common.js";

// The latest replay's output (`rodent replay` writes RODENT_HOME/replay/latest/{replay.json,replay.svg}),
// for the page's Health view. Read per request: a replay run while the service is up shows at once. No replay
// yet is a normal state, so GET /v1/replay answers 200 with `available: false` rather than an error.

async function readLatest(home: string | undefined, file: string): Promise<string> {
  if (!home) throw new RodentError("RODENT_ERR_NOT_FOUND", "replay: this service was started without RODENT_HOME");
  const p = path.join(home, "replay", "latest", file);
  try {
    return await readFile(p, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new RodentError("RODENT_ERR_NOT_FOUND", `replay: no ${file} yet (run \`rodent replay\`; looked in ${p})`);
    }
    throw e;
  }
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
        response: { 200: ReplayResponse },
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
      const doc: unknown = JSON.parse(text);
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
