// Child process for the crash-recovery case of tracker.case.ts: opens the tracking backend the environment names
// (as the CLI does), starts a run in the named experiment, prints its id, then waits to be killed with SIGKILL.
import { loadConfig } from "../config/index.js";
import { createObjectStore } from "../data/index.js";
import { openTracking } from "./open.js";

const [experiment] = process.argv.slice(2);
const config = loadConfig();
const t = await openTracking(config, createObjectStore(config));
const exp = await t.tracker.getOrCreateExperiment(experiment!);
const run = await t.tracker.createRun({ experimentId: exp, name: "killed-mid-training" });
process.stdout.write(`${JSON.stringify({ runId: run.runId, experimentId: exp, pid: process.pid })}\n`);
setInterval(() => {}, 1000);
