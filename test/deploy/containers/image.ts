// Builds the real Dockerfile with podman, as a registry build would, from the base image scripts/tools.sh podman
// made under the Dockerfile's NODE_IMAGE name. Package traffic here passes a TLS proxy whose CA the host trusts:
// the host's CA bundle and an npmrc naming it are mounted into the build's RUN steps (podman build -v), never
// copied into a layer; the host's npm cache is mounted the same way (a build cache, like BuildKit's cache mounts).
// podman's layer cache makes a rebuild with unchanged inputs take seconds.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO } from "../tools.js";
import { imageExists, podmanAsync, podmanOk } from "./podman.js";

export const LOCAL_IMAGE = "localhost/rodent-risk:e2e";

export function nodeImage(): string {
  const m = readFileSync(path.join(REPO, "deploy/docker/Dockerfile"), "utf8").match(/^ARG NODE_IMAGE=(\S+)$/m);
  if (!m) throw new Error("deploy/docker/Dockerfile has no ARG NODE_IMAGE=");
  return m[1]!.includes("/") ? m[1]! : `docker.io/library/${m[1]}`;
}

export interface Built {
  id: string;
  digest: string;
  sizeBytes: number;
  seconds: number;
  output: string;
}

export async function buildImage(log: (l: string) => void = () => {}): Promise<Built> {
  const base = nodeImage();
  if (!imageExists(base)) throw new Error(`base image ${base} is missing: run bash scripts/tools.sh podman`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-build-"));
  const npmrc = path.join(dir, "npmrc");
  // cafile: the TLS proxy's CA; nodedir: headers for native addons (better-sqlite3 builds from source when no
  // prebuilt binary can be downloaded); jobs: compile with every core.
  writeFileSync(npmrc, "cafile=/run/rodent-build/ca.pem\nnodedir=/usr/local\njobs=max\n");
  const ca = process.env.SSL_CERT_FILE ?? "/etc/ssl/certs/ca-certificates.crt";
  const npmCache = path.join(os.homedir(), ".npm");
  const version = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")).version as string;
  const revision = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim();
  const args = [
    "build",
    "--network",
    "host",
    "--pull=never",
    "--layers",
    "-f",
    "deploy/docker/Dockerfile",
    "--build-context",
    `data=${path.resolve(REPO, "../shared/data")}`,
    "-v",
    `${ca}:/run/rodent-build/ca.pem:ro`,
    "-v",
    `${npmrc}:/root/.npmrc:ro`,
    ...(existsSync(npmCache) ? ["-v", `${npmCache}:/root/.npm`] : []),
    "--build-arg",
    `VERSION=${version}`,
    "--build-arg",
    `REVISION=${revision}`,
    "-t",
    LOCAL_IMAGE,
    ".",
  ];
  const t0 = Date.now();
  const r = await podmanAsync(args, { cwd: REPO, onLine: log });
  const seconds = (Date.now() - t0) / 1000;
  if (r.code !== 0) throw new Error(`podman build failed (exit ${r.code}):\n${r.out.slice(-8000)}`);
  const [info] = JSON.parse(podmanOk(["image", "inspect", LOCAL_IMAGE])) as {
    Id: string;
    Digest: string;
    Size: number;
  }[];
  return { id: info!.Id, digest: info!.Digest, sizeBytes: info!.Size, seconds, output: r.out };
}

/** Makes the built image answer to a reference the manifests use (what a registry pull would give). */
export function tagAs(ref: string): void {
  podmanOk(["tag", LOCAL_IMAGE, ref]);
}
