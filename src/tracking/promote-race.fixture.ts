// Child process for sqlite-race.test.ts: waits until a shared start time, then tries one compare-and-set
// promotion and prints {"ok":true} or {"code": "..."} as one JSON line.
import { LocalObjectStore } from "../data/index.js";
import { isRodentError } from "../errors.js";
import { openEmbeddedTracking } from "./open.js";

const [dbPath, storeRoot, model, alias, version, expectArg, startAt] = process.argv.slice(2);
const t = openEmbeddedTracking(dbPath, new LocalObjectStore(storeRoot));
const wait = Number(startAt) - Date.now();
if (wait > 0) await new Promise((r) => setTimeout(r, wait));
try {
  await t.registry.setAlias(model, alias, version, { expect: expectArg === "null" ? null : expectArg });
  process.stdout.write(`${JSON.stringify({ ok: true, version })}\n`);
} catch (e) {
  if (!isRodentError(e)) throw e;
  process.stdout.write(`${JSON.stringify({ ok: false, code: e.code, version })}\n`);
} finally {
  await t.close();
}
