// Where a lookup's microseconds go: the service in process, GET /v1/restaurants/:camis/risk over a real loopback
// socket (8 keep-alive connections, driven from a worker thread, which the main thread's profile leaves out) for
// SECONDS, sampled by the V8 CPU profiler after every restaurant was asked once (answers ready).
// Prints self time by function (top 25, % of samples) and the share of each layer (Node's HTTP, Fastify, our hooks
// and route, prom-client, GC), and writes the stacks folded for flamegraph.pl / speedscope to --out.
// Usage: npx tsx bench/serve-profile.ts [--seconds 8] [--out /tmp/lookup.folded]
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { testService } from "../src/serve/test-helper.js";

const { values: args } = parseArgs({
  options: { seconds: { type: "string", default: "8" }, out: { type: "string", default: "/tmp/lookup.folded" } },
});
const svc = await testService({ restaurants: 5000 });
const base = await svc.app.listen({ port: 0, host: "127.0.0.1" });
const camis = svc.city.camis;
// The client: a worker thread (its own isolate, so not in the profile), 8 connections, each request after the last.
const CLIENT = `
const { Agent, request } = require("node:http");
const { workerData, parentPort } = require("node:worker_threads");
const { base, camis, ms } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
const get = (p) => new Promise((resolve, reject) => {
  request(base + p, { agent }, (res) => { res.resume(); res.on("end", resolve); }).on("error", reject).end();
});
(async () => {
  const until = performance.now() + ms;
  let n = 0;
  await Promise.all(Array.from({ length: 8 }, async (_, w) => {
    for (let k = w; performance.now() < until; k += 8, n++) await get("/v1/restaurants/" + camis[k % camis.length] + "/risk");
  }));
  agent.destroy();
  parentPort.postMessage(n);
})();
`;
const load = (ms: number) =>
  new Promise<number>((resolve, reject) => {
    const w = new Worker(CLIENT, { eval: true, workerData: { base, camis, ms } });
    w.once("message", resolve);
    w.once("error", reject);
  });
// Every restaurant once, so what is profiled is the steady state (answers ready), then 2 s of warm-up.
for (let k = 0; k < camis.length; k += 100)
  await Promise.all(camis.slice(k, k + 100).map((c) => svc.app.inject(`/v1/restaurants/${c}/risk`)));
await load(2000);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });
await session.post("Profiler.start");
const n = await load(Number(args.seconds) * 1000);
const { profile } = await session.post("Profiler.stop");
session.disconnect();

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const nodes = new Map<number, Node>(profile.nodes.map((x: Node) => [x.id, x]));
const parent = new Map<number, number>();
for (const x of profile.nodes as Node[]) for (const c of x.children ?? []) parent.set(c, x.id);
const counts = new Map<number, number>();
for (const s of profile.samples as number[]) counts.set(s, (counts.get(s) ?? 0) + 1);
const total = (profile.samples as number[]).length;
const where = (f: Node["callFrame"]) => {
  const u = f.url.replace(/^file:\/\//, "");
  const nm = u.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1];
  if (u.startsWith("node:")) return u;
  if (u.includes("/src/")) return `src/${u.split("/src/")[1]}`;
  return u || "(native)";
};
const label = (f: Node["callFrame"]) => `${f.functionName || "(anonymous)"} ${where(f)}`;
const self = new Map<string, number>();
const layer = new Map<string, number>();
const folded = new Map<string, number>();
const layerOf = (f: Node["callFrame"]) => {
  const w = where(f);
  if (f.functionName === "(garbage collector)") return "GC";
  if (w === "(native)" || f.functionName.startsWith("(")) return f.functionName || "(native)";
  if (w.startsWith("node:")) return "Node (http, net, streams)";
  if (w.startsWith("src/")) return "ours (src/)";
  return w;
};
for (const [id, c] of counts) {
  const f = nodes.get(id)!.callFrame;
  self.set(label(f), (self.get(label(f)) ?? 0) + c);
  layer.set(layerOf(f), (layer.get(layerOf(f)) ?? 0) + c);
  const stack: string[] = [];
  for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) stack.push(label(nodes.get(x)!.callFrame));
  const key = stack.reverse().join(";");
  folded.set(key, (folded.get(key) ?? 0) + c);
}
writeFileSync(args.out!, [...folded].map(([k, v]) => `${k} ${v}`).join("\n"));
const pct = (c: number) => `${((100 * c) / total).toFixed(1).padStart(5)} %`;
console.log(
  `${n} lookups in ${args.seconds} s (client in a worker thread, not profiled); ${total} samples; folded stacks: ${args.out}`,
);
console.log("\nself time by layer:");
for (const [k, c] of [...layer].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${pct(c)}  ${k}`);
console.log("\nself time by function (top 25):");
for (const [k, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(c)}  ${k}`);
await svc.close();
