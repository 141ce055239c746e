import type { Command } from "commander";
import { register as canary } from "./canary.js";
import { register as ingest } from "./ingest.js";
import { register as serve } from "./serve.js";
import { register as snapshots } from "./snapshots.js";
import { register as synth } from "./synth.js";
import { register as validate } from "./validate.js";

/** Each command file exports `register(program)`. Add new commands to this list. */
export type Register = (program: Command) => void;

export const COMMANDS: Register[] = [ingest, snapshots, validate, serve, canary, synth];
