// Builds the web page (src/web) into dist/web for `rodent serve` to serve at `/` (npm run build runs this).
// Type-checks the page's TypeScript (its own tsconfig: DOM types), bundles it with esbuild into content-hashed
// assets (served as immutable), and writes index.html naming them (served no-cache). No CDN, no runtime fetches.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const src = path.join(root, "src", "web");
const out = path.join(root, "dist", "web");

execFileSync(
  process.execPath,
  [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(src, "tsconfig.json")],
  {
    stdio: "inherit",
  },
);

rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, "assets"), { recursive: true });
const result = await build({
  entryPoints: { app: path.join(src, "main.ts"), style: path.join(src, "styles.css") },
  bundle: true,
  minify: true,
  sourcemap: "linked",
  format: "esm",
  target: ["es2022", "chrome109", "firefox115", "safari16"],
  outdir: path.join(out, "assets"),
  entryNames: "[name]-[hash]",
  metafile: true,
  logLevel: "warning",
});

const outputs = Object.entries(result.metafile.outputs);
const pick = (entry, ext) => {
  const hit = outputs.find(([file, o]) => file.endsWith(ext) && o.entryPoint?.endsWith(entry));
  if (!hit) throw new Error(`build-web: no output for ${entry}`);
  return path.basename(hit[0]);
};
const js = pick("main.ts", ".js");
const css = pick("styles.css", ".css");
const html = readFileSync(path.join(src, "index.html"), "utf8").replace("%JS%", js).replace("%CSS%", css);
writeFileSync(path.join(out, "index.html"), html);
const size = (f) => (readFileSync(path.join(out, "assets", f)).length / 1024).toFixed(1);
console.error(`[build-web] dist/web: index.html, assets/${js} (${size(js)} KiB), assets/${css} (${size(css)} KiB)`);
