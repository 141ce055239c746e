/** A step's outcome as the pipeline reports it. */
export interface StepResult<O> {
  status: "ran" | "reused";
  output: O;
  durationMs: number;
}
