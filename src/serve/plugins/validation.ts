import AjvModule from "ajv";
import type { FastifySchemaCompiler } from "fastify";

// Two validators, because one coercion rule cannot fit both: query strings and path params are text and
// must be coerced ("20" → 20), but a JSON body must be taken as sent, so "0.5" or "NaN" is a wrong type,
// never silently a number, and an unknown feature is an error, never silently dropped.
const Ajv = AjvModule.default ?? AjvModule;
const common = { useDefaults: true, allErrors: false, strictNumbers: true, strict: false } as const;
const bodyAjv = new Ajv({ ...common, coerceTypes: false, removeAdditional: false });
const textAjv = new Ajv({ ...common, coerceTypes: true, removeAdditional: false });

// Ajv's coercion takes whatever Number() takes: "Infinity", "-1e309", 400 nines (→ Infinity), "0x10", " 5". Its
// minimum/maximum checks then skip a non-finite number (strictNumbers guards them with isFinite), so k=-Infinity
// reached `new Array(k)` (a 500) and k=Infinity returned the whole city. So before Ajv sees a text part, every
// number or integer parameter must be written as a plain finite decimal: integers as at most 15 digits (exact
// in a double), numbers as JSON writes them. Anything else is the "must be integer/number" error of that field.
const INTEGER_TEXT = /^-?[0-9]{1,15}$/;
const NUMBER_TEXT = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

interface PropSchema {
  type?: string | string[];
}
interface ObjectSchema {
  type?: string;
  properties?: Record<string, PropSchema>;
}

/** The properties of a text part whose schema admits a number or an integer, with the stricter of the two. */
function numericProps(schema: ObjectSchema): [string, "integer" | "number"][] {
  const out: [string, "integer" | "number"][] = [];
  for (const [name, p] of Object.entries(schema.properties ?? {})) {
    const types = Array.isArray(p.type) ? p.type : p.type ? [p.type] : [];
    if (types.includes("integer")) out.push([name, "integer"]);
    else if (types.includes("number")) out.push([name, "number"]);
  }
  return out;
}

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? bodyAjv : textAjv;
  // biome-ignore lint/suspicious/noExplicitAny: Ajv's compile takes any JSON schema
  const validate = ajv.compile(schema as any) as Validate;
  if (httpPart === "body") return validate as ReturnType<FastifySchemaCompiler<unknown>>;
  const numeric = numericProps(schema as ObjectSchema);
  if (numeric.length === 0) return validate as ReturnType<FastifySchemaCompiler<unknown>>;
  const checked: Validate = (data: unknown) => {
    if (data !== null && typeof data === "object") {
      const o = data as Record<string, unknown>;
      for (const [name, type] of numeric) {
        const v = o[name];
        if (v === undefined) continue;
        // A repeated parameter (?k=1&k=2) arrives as an array: a wrong type, reported by the same rule.
        const ok =
          typeof v === "string"
            ? (type === "integer" ? INTEGER_TEXT : NUMBER_TEXT).test(v) && Number.isFinite(Number(v))
            : typeof v === "number" && Number.isFinite(v) && (type === "number" || Number.isInteger(v));
        if (!ok) {
          checked.errors = [
            {
              instancePath: `/${name}`,
              schemaPath: `#/properties/${name}/type`,
              keyword: "type",
              params: { type },
              message: `must be ${type === "integer" ? "an integer" : "a finite number"} written in decimal`,
            },
          ];
          return false;
        }
      }
    }
    const ok = validate(data);
    checked.errors = validate.errors;
    return ok;
  };
  return checked as ReturnType<FastifySchemaCompiler<unknown>>;
};
