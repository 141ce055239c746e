import { Type } from "@sinclair/typebox";
import { ErrorResponse } from "./common.js";

const Outcome = Type.Object({
  status: Type.String(),
  version: Type.Union([Type.String(), Type.Null()]),
  error: Type.Optional(Type.String()),
});

export const ReloadResponse = Type.Object({
  generation: Type.Integer(),
  deferred: Type.Optional(
    Type.Boolean({ description: "with --workers: the workers saw different versions, so none swapped; retried" }),
  ),
  city: Outcome,
  champion: Outcome,
  canary: Outcome,
});

export const reloadRouteSchema = {
  summary: "Re-read the registry aliases and the latest snapshot now (bearer RODENT_ADMIN_TOKEN)",
  tags: ["admin"],
  security: [{ bearer: [] }],
  response: { 200: ReloadResponse, 401: ErrorResponse, 429: ErrorResponse },
};
