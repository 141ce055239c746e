import { Type } from "@sinclair/typebox";

export const LiveResponse = Type.Object({ status: Type.Literal("ok") });

export const ReadyResponse = Type.Object({
  status: Type.Union([Type.Literal("ready"), Type.Literal("not-ready")]),
  champion: Type.Union([Type.String(), Type.Null()]),
  canary: Type.Union([Type.String(), Type.Null()]),
  snapshot: Type.Union([Type.String(), Type.Null()]),
  generation: Type.Integer(),
});

export const liveRouteSchema = {
  summary: "Liveness: the process answers",
  tags: ["health"],
  response: { 200: LiveResponse },
};
export const readyRouteSchema = {
  summary: "Readiness: a champion and the serving table are loaded, scored and warmed",
  tags: ["health"],
  response: { 200: ReadyResponse, 503: ReadyResponse },
};
