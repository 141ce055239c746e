// podman as this machine runs it (scripts/tools.sh podman): Debian's 4.3 with runc and cgroupfs, host networking
// (no CNI plugins are installed; every server of the test listens on 127.0.0.1). Pods are started with
// `podman kube play` from Kubernetes YAML; ConfigMaps are given with --configmap, Secrets become podman secrets in
// the JSON form kube play reads for secretKeyRef (base64 values by key).
import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import type { Manifest } from "../tools.js";

export const PODMAN = "podman";
export const GLOBAL = ["--runtime", "runc", "--cgroup-manager", "cgroupfs"];

export function podmanSync(args: string[], input?: string): SpawnSyncReturns<string> {
  const r = spawnSync(PODMAN, [...GLOBAL, ...args], { encoding: "utf8", input, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

export function podmanOk(args: string[], input?: string): string {
  const r = podmanSync(args, input);
  if (r.status !== 0) throw new Error(`podman ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Async podman (long builds must not block the vitest worker's RPC). Resolves with the exit code and output. */
export function podmanAsync(
  args: string[],
  opts: { cwd?: string; onLine?: (l: string) => void } = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(PODMAN, [...GLOBAL, ...args], { cwd: opts.cwd });
    let out = "";
    const take = (d: Buffer) => {
      const s = d.toString();
      out = (out + s).slice(-200_000);
      if (opts.onLine) for (const l of s.split("\n")) if (l.trim()) opts.onLine(l);
    };
    p.stdout.on("data", take);
    p.stderr.on("data", take);
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, out }));
  });
}

const workDir = mkdtempSync(path.join(os.tmpdir(), "rodent-kube-"));

/** A Secret manifest as the podman secret kube play resolves secretKeyRef against. */
export function createSecret(secret: Manifest): void {
  const name = secret.metadata.name as string;
  const data: Record<string, string> = { ...(secret.data ?? {}) };
  for (const [k, v] of Object.entries((secret.stringData ?? {}) as Record<string, string>))
    data[k] = Buffer.from(v).toString("base64");
  podmanSync(["secret", "rm", name]);
  // A file, not stdin: podman wants a FIFO there and node's pipes are sockets.
  const file = path.join(mkdtempSync(path.join(workDir, "secret-")), "data.json");
  writeFileSync(file, JSON.stringify(data), { mode: 0o600 });
  podmanOk(["secret", "create", name, file]);
}

/** Starts a Pod manifest with `podman kube play`, ConfigMaps given as files. Returns the pod name. */
export function playPod(pod: Manifest, configMaps: Manifest[] = []): string {
  const name = pod.metadata.name as string;
  podmanSync(["pod", "rm", "--force", "--ignore", name]);
  const dir = mkdtempSync(path.join(workDir, `${name}-`));
  const args = ["kube", "play", "--quiet"];
  configMaps.forEach((cm, i) => {
    const f = path.join(dir, `configmap-${i}.yaml`);
    writeFileSync(f, stringify(cm));
    args.push("--configmap", f);
  });
  const podFile = path.join(dir, "pod.yaml");
  writeFileSync(podFile, stringify(pod));
  args.push(podFile);
  podmanOk(args);
  return name;
}

export function containerName(pod: string, container: string): string {
  return `${pod}-${container}`;
}

/** Waits for a container to exit; returns its exit code. */
export async function waitExit(container: string, timeoutMs: number): Promise<number> {
  const r = await Promise.race([
    podmanAsync(["wait", container]),
    new Promise<{ code: null; out: string }>((resolve) =>
      setTimeout(() => resolve({ code: null, out: "timeout" }), timeoutMs),
    ),
  ]);
  if (r.code === null) throw new Error(`${container} still running after ${timeoutMs} ms:\n${logs(container)}`);
  if (r.code !== 0) throw new Error(`podman wait ${container}: ${r.out}`);
  return Number(r.out.trim().split("\n").at(-1));
}

export function logs(container: string): string {
  const r = podmanSync(["logs", container]);
  return `${r.stdout}${r.stderr}`;
}

export function removePod(name: string): void {
  podmanSync(["pod", "rm", "--force", "--ignore", name]);
}

export function volumePath(name: string): string {
  return podmanOk(["volume", "inspect", "--format", "{{.Mountpoint}}", name]).trim();
}

export function removeVolume(name: string): void {
  podmanSync(["volume", "rm", "--force", name]);
}

/** The named volume behind a mount path of a pod's container (emptyDir volumes are named volumes here). */
export function readFromVolume(volume: string, relative: string): string {
  return readFileSync(path.join(volumePath(volume), relative), "utf8");
}

export function imageExists(ref: string): boolean {
  return podmanSync(["image", "exists", ref]).status === 0;
}
