import { RodentError } from "../errors.js";

/** Repeated `--param NAME=VALUE` flags into a map; a malformed one is RODENT_ERR_INVALID_ARGUMENT. */
export function parseAssignments(list: readonly string[], flag = "--param"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const eq = a.indexOf("=");
    if (eq <= 0) {
      throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `${flag} ${JSON.stringify(a)}: expected NAME=VALUE`, {
        flag,
      });
    }
    out[a.slice(0, eq).trim()] = a.slice(eq + 1).trim();
  }
  return out;
}

/** commander collector for repeatable flags. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
