import AjvModule from "ajv";
import type { FastifySchemaCompiler } from "fastify";

// Two validators, because one coercion rule cannot fit both: query strings and path params are text and
// must be coerced ("20" → 20), but a JSON body must be taken as sent, so "0.5" or "NaN" is a wrong type,
// never silently a number, and an unknown feature is an error, never silently dropped.
const Ajv = AjvModule.default ?? AjvModule;
const common = { useDefaults: true, allErrors: false, strictNumbers: true, strict: false } as const;
const bodyAjv = new Ajv({ ...common, coerceTypes: false, removeAdditional: false });
const textAjv = new Ajv({ ...common, coerceTypes: true, removeAdditional: false });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? bodyAjv : textAjv;
  // biome-ignore lint/suspicious/noExplicitAny: Ajv's compile takes any JSON schema
  return ajv.compile(schema as any) as ReturnType<FastifySchemaCompiler<unknown>>;
};
