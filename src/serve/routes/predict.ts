import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { errorCodes } from "fastify";
import { RodentError } from "../../errors.js";
import type { FeatureSchema, FeatureTable } from "../../features/index.js";
import { bandOf, topFraction } from "../bands.js";
import { readBodyChunks } from "../body-chunks.js";
import { keyFraction, rowFraction } from "../canary.js";
import { duplicateKey } from "../json-duplicates.js";
import { CheckedBody, compileRowsValidator, FEATURE_TABLE } from "../row-validator.js";
import { compileRowsParser } from "../rows-parser.js";
import { MAX_ROWS, type PredictBody, type PredictResponse, predictRouteSchema } from "../schemas/predict.js";
import { probabilitiesOf } from "../served-model.js";
import { answeredBy, readyState } from "./answer.js";

/** JSON rows → column-major table (null → NaN, the model's "missing"). */
export function rowsToTable(schema: FeatureSchema, rows: PredictBody["rows"]): FeatureTable {
  const n = rows.length;
  const columns = schema.features.map((f) => {
    const col = new Float32Array(n);
    const name = f.name;
    for (let i = 0; i < n; i++) {
      const v = rows[i][name];
      col[i] = v === null ? Number.NaN : (v as number);
    }
    return col;
  });
  return { schema, n, columns };
}

/** A finite number as JSON writes it; anything else as null, as JSON.stringify does. */
const num = (x: number) => (Number.isFinite(x) ? `${x}` : "null");

/**
 * The 200 body of POST /v1/predict (PredictResponse) written as text: an object per row handed to the serializer
 * cost ~3× more for a 100-row batch. `p` are the calibrated probabilities, `margin` the raw scores they come from and
 * `ascending` the city's raw scores sorted, for each row's top fraction (where it would rank) and band.
 */
export function predictResponseJson(
  model: PredictResponse["model"],
  featureSchema: string,
  p: Float64Array,
  margin: Float64Array,
  ascending: Float64Array,
): string {
  let out = `{"model":${JSON.stringify(model)},"feature_schema":${JSON.stringify(featureSchema)},"predictions":[`;
  for (let i = 0; i < p.length; i++) {
    const top = topFraction(ascending, margin[i]);
    out += `${i === 0 ? "" : ","}{"probability":${num(p[i])},"band":"${bandOf(top)}","top_fraction":${num(top)}}`;
  }
  return `${out}]}`;
}

const predict: FastifyPluginAsyncTypebox<{ schema: FeatureSchema; maxRows?: number; bodyLimit: number }> = async (
  app,
  opts,
) => {
  const host = app.modelHost;
  const maxRows = opts.maxRows ?? MAX_ROWS;
  const featureNames = opts.schema.features.map((f) => f.name);
  const rowsValidator = compileRowsValidator(opts.schema, maxRows);
  const parseRows = compileRowsParser(opts.schema, maxRows);
  // The body is read as its chunks, with Fastify's limit checks (body-chunks.ts). Bodies in the usual shape go
  // straight from those bytes to the table (rows-parser.ts); the rest take JSON.parse and the validator. Plain
  // JSON.parse rather than Fastify's secure-json-parse: its two extra scans of the text for "__proto__" and
  // "constructor" keys protect nothing here, because the validator refuses every key but "rows" and the feature
  // names before the body is used, and the body is never merged into anything.
  app.addContentTypeParser("application/json", (req, payload, done) => {
    readBodyChunks(payload, req.headers["content-length"], opts.bodyLimit, (err, chunks, length) => {
      if (err) return done(err, undefined);
      let table: FeatureTable | null = null;
      try {
        table = parseRows(chunks);
      } catch (e) {
        // A fault in the fast path must not turn a client's request into a 500: the general path decides.
        app.log.error({ err: e }, "predict: the byte parser failed; using JSON.parse");
      }
      if (table) return done(null, new CheckedBody(table));
      if (length === 0) return done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), undefined);
      let parsed: unknown;
      const text = Buffer.concat(chunks, length).toString("utf8");
      try {
        parsed = JSON.parse(text);
      } catch {
        return done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), undefined);
      }
      const dup = duplicateKey(text);
      if (dup) {
        const field = `body${dup.pointer}/${dup.key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        const where = dup.pointer ? `body${dup.pointer}` : "body";
        return done(
          new RodentError("RODENT_ERR_INVALID_ARGUMENT", `${where}: duplicate key ${JSON.stringify(dup.key)}`, {
            field,
          }),
          undefined,
        );
      }
      done(null, parsed);
    });
  });
  app.post(
    "/predict",
    {
      schema: predictRouteSchema(opts.schema, maxRows),
      // One pass checks the rows against the feature schema and fills the table (see row-validator.ts); a
      // CheckedBody from the byte parser passes as it is.
      validatorCompiler: () => rowsValidator,
      bodyLimit: opts.bodyLimit,
      config: { featureNames },
    },
    async (req, reply) => {
      const s = readyState(host.state, reply);
      const table = (req.body as { [FEATURE_TABLE]?: FeatureTable })[FEATURE_TABLE] as FeatureTable;
      // Sticky split: the caller's key if given, else the first row's values.
      const key = req.headers["x-rodent-route-key"];
      const fraction =
        typeof key === "string" && key.length > 0 ? keyFraction(key) : rowFraction(table.columns.map((c) => c[0]));
      const m = host.pick(s, fraction) ?? s.champion;
      const margin = m.model.predictMargin(table);
      const p = probabilitiesOf(m.model, margin);
      app.metrics.score.labels({ model_version: m.ref.version, role: m.role }).observeAll(p);
      if (host.hasScoredListeners) {
        host.emitScored({
          source: "predict",
          version: m.ref.version,
          role: m.role,
          table,
          rows: null,
          camis: null,
          scores: p,
          at: Date.now(),
        });
      }
      // Already JSON text: with a JSON content type Fastify sends it as it is, past the schema serializer.
      const text = predictResponseJson(answeredBy(reply, m), opts.schema.version, p, margin, m.ascending);
      return reply.header("content-type", "application/json; charset=utf-8").send(text as never);
    },
  );
};
export default predict;
