// Runs a WorkflowTemplate's `steps` template the way the Argo controller does, one container per step, with
// podman: step groups in order, `when` conditions, arguments into inputs, output parameters read from the files
// the step wrote (valueFrom.path) and passed on as {{steps.NAME.outputs.parameters.P}}, templateRef into another
// WorkflowTemplate. Workflow parameters: the submission's, else the template's value or ConfigMap default
// (valueFrom.configMapKeyRef). Exit handlers, retries, mutexes and the artifact repository are the controller's
// business and are not run here (their settings are checked statically).
import type { Manifest } from "../tools.js";
import { type PlayablePod, podFromStep, workflowSpec } from "./kube.js";
import { containerName, logs, playPod, readFromVolume, removePod, removeVolume, waitExit } from "./podman.js";

export interface StepRun {
  step: string;
  template: string;
  pod: string;
  exitCode: number;
  log: string;
  outputs: Record<string, string>;
  seconds: number;
}

export interface RunContext {
  /** WorkflowTemplates by name (for templateRef). */
  templates: Map<string, Manifest>;
  configMaps: Manifest[];
  /** Unique prefix for pod names. */
  name: string;
  timeoutMs?: number;
}

export function workflowParameters(
  wf: Manifest,
  configMaps: Manifest[],
  submitted: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of workflowSpec(wf).arguments?.parameters ?? []) {
    if (submitted[p.name] !== undefined) out[p.name] = submitted[p.name]!;
    else if (p.value !== undefined) out[p.name] = String(p.value);
    else if (p.valueFrom?.configMapKeyRef) {
      const ref = p.valueFrom.configMapKeyRef;
      const cm = configMaps.find((c) => c.metadata.name === ref.name);
      const v = cm?.data?.[ref.key];
      if (v === undefined) throw new Error(`parameter ${p.name}: ConfigMap ${ref.name} has no key ${ref.key}`);
      out[p.name] = String(v);
    } else throw new Error(`${wf.metadata.name}: parameter ${p.name} has no value and none was submitted`);
  }
  for (const [k, v] of Object.entries(submitted))
    if (!(k in out)) throw new Error(`${wf.metadata.name} declares no parameter ${k} (submitted ${k}=${v})`);
  return out;
}

/** Runs one script template as a pod; returns its exit code, log and output parameters. Removes the pod. */
export async function runScriptStep(
  ctx: RunContext,
  wf: Manifest,
  template: string,
  podName: string,
  vars: Record<string, string>,
): Promise<StepRun> {
  const t0 = Date.now();
  const playable: PlayablePod = podFromStep(wf, template, podName, vars);
  playPod(playable.pod, ctx.configMaps);
  const c = containerName(podName, "main");
  try {
    const exitCode = await waitExit(c, ctx.timeoutMs ?? 15 * 60_000);
    const log = logs(c);
    const outputs: Record<string, string> = {};
    const t = workflowSpec(wf).templates.find((x: Manifest) => x.name === template);
    for (const p of t.outputs?.parameters ?? []) {
      const file = p.valueFrom?.path as string | undefined;
      if (!file) continue;
      const mount = Object.keys(playable.mounts)
        .filter((m) => file.startsWith(`${m}/`))
        .sort((a, b) => b.length - a.length)[0];
      if (!mount) throw new Error(`${template}: output ${p.name} at ${file} is on no volume`);
      try {
        outputs[p.name] = readFromVolume(playable.mounts[mount]!, file.slice(mount.length + 1)).trim();
      } catch {
        /* not written: Argo would fail the step when it succeeded, checked by the caller */
      }
    }
    return { step: podName, template, pod: podName, exitCode, log, outputs, seconds: (Date.now() - t0) / 1000 };
  } finally {
    removePod(podName);
    for (const v of playable.volumes) removeVolume(v);
  }
}

/**
 * Runs `entry` (a steps template) of `wf` with the given workflow parameters. Stops at the first failed step
 * (Argo's default) and returns every step run so far.
 */
export async function runWorkflow(
  ctx: RunContext,
  wf: Manifest,
  entry: string,
  params: Record<string, string>,
): Promise<StepRun[]> {
  const spec = workflowSpec(wf);
  const main = spec.templates.find((t: Manifest) => t.name === entry);
  if (!main?.steps) throw new Error(`${wf.metadata.name}/${entry} is not a steps template`);
  const vars: Record<string, string> = { "workflow.name": ctx.name };
  for (const [k, v] of Object.entries(params)) vars[`workflow.parameters.${k}`] = v;
  const runs: StepRun[] = [];
  const resolve = (v: string) =>
    v.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (m, key: string) => {
      if (!(key in vars)) throw new Error(`${wf.metadata.name}: no value for ${m}`);
      return vars[key]!;
    });
  let i = 0;
  for (const group of main.steps as Manifest[][]) {
    for (const step of group) {
      if (step.when) {
        const cond = resolve(step.when).trim();
        const m = /^(\S+)\s*==\s*(\S+)$/.exec(cond);
        if (!m) throw new Error(`cannot evaluate when: ${step.when}`);
        if (m[1] !== m[2]) continue;
      }
      const inputs: Record<string, string> = {};
      for (const a of step.arguments?.parameters ?? [])
        inputs[`inputs.parameters.${a.name}`] = resolve(String(a.value));
      let target = wf;
      let template = step.template as string;
      if (step.templateRef) {
        target = ctx.templates.get(step.templateRef.name)!;
        if (!target) throw new Error(`templateRef ${step.templateRef.name} not found`);
        template = step.templateRef.template;
      }
      const stepVars = { ...vars, ...inputs };
      // A templateRef runs with the calling workflow's parameters (Argo resolves workflow.* against the caller).
      const run = await runScriptStep(ctx, target, template, `${ctx.name}-${++i}-${step.name}`, stepVars);
      run.step = step.name;
      runs.push(run);
      if (run.exitCode !== 0) return runs;
      for (const [k, v] of Object.entries(run.outputs)) vars[`steps.${step.name}.outputs.parameters.${k}`] = v;
    }
  }
  return runs;
}
