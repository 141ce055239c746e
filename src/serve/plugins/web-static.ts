import { existsSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

// The web page: files built by `npm run build` into dist/web (scripts/build-web.mjs). Asset names carry
// a content hash, so they are cached for a year as immutable; index.html names the current ones and is
// revalidated on every load, so a new build shows up at the next page load.

const IMMUTABLE = "public, max-age=31536000, immutable";
/** The page loads nothing from anywhere else: no CDN, no tiles, no web fonts. */
const PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/** dist/web of this package, found from this file in src/ (tests, tsx) or dist/ (built). */
export function defaultWebRoot(from = import.meta.dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return path.join(dir, "dist", "web");
    const up = path.dirname(dir);
    if (up === dir) return path.resolve("dist", "web");
    dir = up;
  }
}

export interface WebStaticOptions {
  /** Folder holding index.html and assets/ (default: the package's dist/web). */
  root?: string;
}

/** Serves the page at `/` and its hashed assets under `/assets/`. Without a build, `/` says how to make one. */
export default async function webStatic(app: FastifyInstance, opts: WebStaticOptions) {
  const root = opts.root ?? defaultWebRoot();
  if (!existsSync(path.join(root, "index.html"))) {
    app.get("/", { schema: { hide: true } }, async (_req, reply) => {
      reply.code(503).header("cache-control", "no-store").type("text/plain; charset=utf-8");
      return `The web page is not built (no ${path.join(root, "index.html")}). Run: npm run build\n`;
    });
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: "/",
    // One route per built file, read at start: unknown paths fall through to the API's 404.
    wildcard: false,
    index: "index.html",
    schemaHide: true,
    cacheControl: false,
    decorateReply: false,
    setHeaders(reply, file) {
      if (file.endsWith(".html")) {
        reply.header("cache-control", "no-cache");
        reply.header("content-security-policy", PAGE_CSP);
      } else if (file.includes(`${path.sep}assets${path.sep}`)) {
        reply.header("cache-control", IMMUTABLE);
      } else {
        reply.header("cache-control", "public, max-age=3600");
      }
      reply.header("x-content-type-options", "nosniff");
    },
  });
}
