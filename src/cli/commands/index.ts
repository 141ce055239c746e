import type { Command } from "commander";
import { register as canary } from "./canary.js";
import { register as evaluate } from "./evaluate.js";
import { register as features } from "./features.js";
import { register as ingest } from "./ingest.js";
import { register as model } from "./model.js";
import { register as monitor } from "./monitor.js";
import { register as pipeline } from "./pipeline.js";
import { register as promote } from "./promote.js";
import { register as registerCmd } from "./register.js";
import { register as replay } from "./replay.js";
import { register as rollback } from "./rollback.js";
import { register as schedule } from "./schedule.js";
import { register as serve } from "./serve.js";
import { register as snapshots } from "./snapshots.js";
import { register as synth } from "./synth.js";
import { register as train } from "./train.js";
import { register as up } from "./up.js";
import { register as validate } from "./validate.js";

/** Each command file exports `register(program)`. Add new commands to this list. */
export type Register = (program: Command) => void;

export const COMMANDS: Register[] = [
  ingest,
  snapshots,
  validate,
  synth,
  pipeline,
  features,
  train,
  evaluate,
  registerCmd,
  promote,
  rollback,
  model,
  schedule,
  serve,
  canary,
  replay,
  up,
  monitor,
];
