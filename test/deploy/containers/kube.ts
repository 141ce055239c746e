// From rendered manifests to the Pods that a cluster would run, programmatically (never a retyped copy):
//  - a Deployment's or Rollout's pod template becomes a Pod, as its ReplicaSet would create it;
//  - a workflow step (an Argo script template) becomes a Pod as the Argo executor runs it: the template's
//    parameters substituted, the script file mounted at /argo/staging/script and run by the template's command,
//    the workflow's volumes and security context on the pod.
// What differs from a cluster, and only that: host networking (no CNI here), so each service pod gets its own
// RODENT_PORT (in a copy of its ConfigMap) and no port list; probes are run by the test over HTTP (podman would need curl in the image);
// emptyDir volumes get names unique to the pod (kube play maps them to named volumes).
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Manifest } from "../tools.js";

const scriptDir = mkdtempSync(path.join(os.tmpdir(), "rodent-argo-scripts-"));

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function uniqueVolumes(spec: Manifest, pod: string): string[] {
  const names: string[] = [];
  const rename = new Map<string, string>();
  for (const v of spec.volumes ?? []) {
    if (v.emptyDir) {
      const n = `${pod}-${v.name}`;
      rename.set(v.name, n);
      v.name = n;
      names.push(n);
    }
  }
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])])
    for (const m of c.volumeMounts ?? []) if (rename.has(m.name)) m.name = rename.get(m.name);
  return names;
}

export interface PlayablePod {
  pod: Manifest;
  /** Named volumes standing for the pod's emptyDirs (removed with the pod). */
  volumes: string[];
  /** Volume name by mount path, for reading what a container wrote. */
  mounts: Record<string, string>;
}

/**
 * The Pod a Deployment's/Rollout's ReplicaSet would create, listening on `port` (host networking), and the
 * ConfigMaps it reads. podman 4.3 lets envFrom win over env, so the port goes into a copy of the pod's ConfigMaps
 * (named for the pod) rather than into an env entry.
 */
export function podFromWorkload(
  workload: Manifest,
  name: string,
  port: number,
  configMaps: Manifest[],
): PlayablePod & { configMaps: Manifest[] } {
  const tpl = clone(workload.spec.template);
  const spec = tpl.spec as Manifest;
  spec.hostNetwork = true;
  spec.restartPolicy = "Always";
  for (const c of spec.containers) {
    // With host networking podman refuses port mappings, and it turns probes into healthchecks that need curl in
    // the image: the test probes /health/ready over HTTP itself, with the chart's path.
    delete c.ports;
    delete c.livenessProbe;
    delete c.readinessProbe;
    delete c.startupProbe;
    for (const ef of c.envFrom ?? []) if (ef.configMapRef) ef.configMapRef.name = `${ef.configMapRef.name}-${name}`;
  }
  const copies = configMaps.map((cm) => {
    const copy = clone(cm);
    copy.metadata.name = `${cm.metadata.name}-${name}`;
    if (copy.data && "RODENT_PORT" in copy.data) copy.data.RODENT_PORT = String(port);
    return copy;
  });
  const volumes = uniqueVolumes(spec, name);
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name, labels: tpl.metadata?.labels ?? {} }, spec };
  return { pod, volumes, mounts: mountsOf(spec), configMaps: copies };
}

function mountsOf(spec: Manifest): Record<string, string> {
  const out: Record<string, string> = {};
  const byName = new Map<string, Manifest>((spec.volumes ?? []).map((v: Manifest) => [v.name, v]));
  for (const c of spec.containers)
    for (const m of c.volumeMounts ?? []) {
      const v = byName.get(m.name);
      out[m.mountPath] = v?.persistentVolumeClaim?.claimName ?? m.name;
    }
  return out;
}

/** Argo's `{{...}}` placeholders, from a flat map (inputs.parameters.x, workflow.parameters.x, workflow.name...). */
export function substitute<T>(value: T, vars: Record<string, string>): T {
  const text = JSON.stringify(value).replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (m, key: string) => {
    if (!(key in vars)) throw new Error(`no value for ${m}`);
    return JSON.stringify(vars[key]).slice(1, -1);
  });
  return JSON.parse(text) as T;
}

/** The spec of a WorkflowTemplate or of a CronWorkflow's workflowSpec. */
export function workflowSpec(doc: Manifest): Manifest {
  return doc.kind === "CronWorkflow" ? doc.spec.workflowSpec : doc.spec;
}

/**
 * The Pod Argo runs for one script template of a workflow, with its parameters resolved. `vars` holds
 * workflow.* and inputs.parameters.* values (input defaults are filled in here).
 */
export function podFromStep(
  wf: Manifest,
  templateName: string,
  name: string,
  vars: Record<string, string>,
): PlayablePod {
  const spec = workflowSpec(wf);
  const t = spec.templates.find((x: Manifest) => x.name === templateName);
  if (!t) throw new Error(`${wf.metadata.name} has no template ${templateName}`);
  if (!t.script) throw new Error(`${wf.metadata.name}/${templateName} is not a script template`);
  const all = { ...vars };
  for (const p of t.inputs?.parameters ?? [])
    if (all[`inputs.parameters.${p.name}`] === undefined && p.value !== undefined)
      all[`inputs.parameters.${p.name}`] = String(p.value);
  const script = substitute(t.script, all) as Manifest;
  const dir = path.join(scriptDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "script"), script.source);
  chmodSync(dir, 0o755);
  chmodSync(path.join(dir, "script"), 0o644);
  const { source: _source, ...container } = script;
  const volumes = clone(spec.volumes ?? []) as Manifest[];
  volumes.push({ name: "argo-staging", hostPath: { path: dir, type: "Directory" } });
  const podSpec: Manifest = {
    hostNetwork: true,
    restartPolicy: "Never",
    securityContext: clone(spec.securityContext ?? {}),
    serviceAccountName: spec.serviceAccountName,
    containers: [
      {
        name: "main",
        ...container,
        command: [...(container.command ?? []), "/argo/staging/script"],
        volumeMounts: [
          ...(container.volumeMounts ?? []),
          { name: "argo-staging", mountPath: "/argo/staging", readOnly: true },
        ],
      },
    ],
    volumes,
  };
  const vols = uniqueVolumes(podSpec, name);
  return {
    pod: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, labels: { "workflows.argoproj.io/workflow": name } },
      spec: podSpec,
    },
    volumes: vols,
    mounts: mountsOf(podSpec),
  };
}
