export * from "./admin.js";
export * from "./common.js";
export * from "./health.js";
export * from "./model.js";
export * from "./predict.js";
export * from "./rankings.js";
export * from "./risk.js";
