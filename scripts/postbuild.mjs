// Make the CLI entry executable after tsc (npx rodent needs the bit).
import { chmodSync, existsSync } from "node:fs";

if (existsSync("dist/cli/main.js")) chmodSync("dist/cli/main.js", 0o755);
