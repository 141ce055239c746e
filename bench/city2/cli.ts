// npx tsx bench/city2/cli.ts --out DIR [--seed 101] [--from 2018-01-01] [--to 2022-12-31] [--scale 1]
//   [--scenario none|pressure:BOROUGH:±PCT[:rampWEEKS]|reporting:FACTOR|heat-wave] [--scenario-start DATE]
import { writeCity2 } from "./index.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}
const out = arg("out", "");
if (!out) {
  process.stderr.write("--out DIR is required\n");
  process.exit(2);
}
const t0 = performance.now();
const s = await writeCity2(out, {
  seed: Number(arg("seed", "101")),
  from: arg("from", "2018-01-01"),
  to: arg("to", "2022-12-31"),
  scale: Number(arg("scale", "1")),
  scenario: arg("scenario", "none"),
  scenarioStart: arg("scenario-start", "2022-01-03"),
});
process.stdout.write(`${JSON.stringify({ ...s, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) })}\n`);
