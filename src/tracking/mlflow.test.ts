import os from "node:os";
import path from "node:path";
import { loadConfig } from "../config/index.js";
import { LocalObjectStore } from "../data/index.js";
import { openTracking } from "./open.js";
import { runTrackingContract } from "./tracker.case.js";

// Runs against the real MLflow server test/global-setup.ts starts (SQLite backend, --serve-artifacts), opened the
// way the CLI opens it: from configuration (RODENT_TRACKING_URI).
runTrackingContract({
  name: "MLflow server (REST)",
  env: () => ({
    RODENT_TRACKING_URI: String(process.env.RODENT_TEST_MLFLOW_URI),
    RODENT_HOME: path.join(os.tmpdir(), "rodent-mlflow-contract-unused"),
  }),
  make: async () => {
    const uri = process.env.RODENT_TEST_MLFLOW_URI;
    if (!uri)
      throw new Error(
        "RODENT_TEST_MLFLOW_URI is unset: run without RODENT_TEST_NO_SERVERS so global setup starts MLflow",
      );
    const home = path.join(os.tmpdir(), "rodent-mlflow-contract-unused");
    const t = await openTracking(
      loadConfig({ RODENT_TRACKING_URI: `${uri}/`, RODENT_HOME: home }),
      new LocalObjectStore(path.join(home, "store")),
    );
    if (t.kind !== "mlflow") throw new Error(`RODENT_TRACKING_URI=${uri} opened the ${t.kind} backend`);
    return t;
  },
});
