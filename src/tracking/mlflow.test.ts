import { openMlflowTracking } from "./open.js";
import { runTrackingContract } from "./tracker.case.js";

// Runs against the real MLflow server test/global-setup.ts starts (SQLite backend, --serve-artifacts).
runTrackingContract({
  name: "MLflow server (REST)",
  make: async () => {
    const uri = process.env.RODENT_TEST_MLFLOW_URI;
    if (!uri)
      throw new Error(
        "RODENT_TEST_MLFLOW_URI is unset: run without RODENT_TEST_NO_SERVERS so global setup starts MLflow",
      );
    return openMlflowTracking({ uri });
  },
});
