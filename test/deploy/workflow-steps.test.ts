// Every `rodent ...` command line in the Argo WorkflowTemplates and CronWorkflows is checked against the real CLI
// (dist/cli/main.js, built here when older than src/): the subcommand path must exist, every flag must be one the
// subcommand declares (with a value when it takes one), and the number of positional arguments must fit its usage.
// `--help` output is the source of truth because it is what commander itself parses against.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Manifest, REPO, readManifests } from "./tools.js";

const MAIN = path.join(REPO, "dist/cli/main.js");
const HOME = mkdtempSync(path.join(os.tmpdir(), "rodent-steps-"));

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

// ---- shell command extraction ---------------------------------------------------------------------------------

interface StepCommand {
  where: string;
  words: string[];
  line: string;
}

const KEYWORDS = new Set(["if", "then", "else", "elif", "do", "while", "until", "!", "time", "{", "("]);

/** Splits a POSIX-sh script into simple commands (words), honouring quotes; redirections end a command's words. */
function shellCommands(script: string): string[][] {
  // Argo placeholders and shell variables become one plain word; `${x:+words}` expands to its words (worst case).
  const src = script
    .replace(/\{\{[^}]*\}\}/g, "PARAM")
    .replace(/\$\{\w+:\+([^}]*)\}/g, "$1")
    .replace(/\$\{[^}]*\}|\$\w+|\$\?/g, "VALUE")
    .replace(/\\\n/g, " ");
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | null = null;
  let redirect = false;
  const endWord = () => {
    if (word !== null && !redirect) words.push(word);
    if (word !== null) redirect = false;
    word = null;
  };
  const endCommand = () => {
    endWord();
    // Compound-command keywords are not the command itself (`then rodent ...`).
    while (words.length > 0 && KEYWORDS.has(words[0]!)) words.shift();
    if (words.length > 0) commands.push(words);
    words = [];
    redirect = false;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "'") {
      const j = src.indexOf("'", i + 1);
      if (j < 0) throw new Error(`unbalanced ' in: ${script}`);
      word = (word ?? "") + src.slice(i + 1, j);
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== '"') {
        if (src[j] === "\\" && j + 1 < src.length) j++;
        s += src[j];
        j++;
      }
      if (j >= src.length) throw new Error(`unbalanced " in: ${script}`);
      word = (word ?? "") + s;
      i = j;
    } else if (c === "#" && word === null) {
      const j = src.indexOf("\n", i);
      i = j < 0 ? src.length : j - 1;
    } else if (c === "\n" || c === ";" || c === "|" || c === "&") {
      endCommand();
      if ((c === "|" || c === "&") && src[i + 1] === c) i++;
    } else if (c === ">" || c === "<") {
      // `2>`: the digit was read as a word; drop it. The next word is the redirection target, not an argument.
      if (word !== null && /^\d$/.test(word)) word = null;
      endWord();
      if (src[i + 1] === c || src[i + 1] === "&") i++;
      redirect = true;
    } else if (c === " " || c === "\t") {
      endWord();
    } else {
      word = (word ?? "") + c;
    }
  }
  endCommand();
  return commands;
}

function scriptsOf(doc: Manifest): { where: string; script: string }[] {
  const spec = doc.kind === "CronWorkflow" ? doc.spec.workflowSpec : doc.spec;
  const out: { where: string; script: string }[] = [];
  for (const t of spec.templates ?? []) {
    const where = `${doc.kind} ${doc.metadata.name} / ${t.name}`;
    if (t.script?.source) out.push({ where, script: t.script.source });
    const c = t.container;
    if (c) {
      const cmd = [...(c.command ?? []), ...(c.args ?? [])];
      const shIdx = cmd.findIndex((w: string) => w === "-c");
      if (/(^|\/)(ba)?sh$/.test(cmd[0] ?? "") && shIdx > 0)
        out.push({ where, script: cmd.slice(shIdx + 1).join("\n") });
      else if (cmd.length > 0) out.push({ where, script: cmd.map((w: string) => `'${w}'`).join(" ") });
    }
  }
  return out;
}

function stepCommands(): StepCommand[] {
  const dir = path.join(REPO, "deploy/argo");
  const out: StepCommand[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".yaml"))) {
    for (const doc of readManifests(path.join(dir, f))) {
      if (doc.kind !== "WorkflowTemplate" && doc.kind !== "CronWorkflow") continue;
      for (const { where, script } of scriptsOf(doc)) {
        if (!/(^|[\s;&|(])rodent\s/.test(script)) continue;
        for (const words of shellCommands(script)) {
          if (words[0] === "rodent")
            out.push({ where: `${f}: ${where}`, words: words.slice(1), line: words.join(" ") });
        }
      }
    }
  }
  return out;
}

// ---- the real CLI's help --------------------------------------------------------------------------------------

interface Help {
  usage: string;
  commands: Set<string>;
  /** long and short flag -> takes a value */
  options: Map<string, boolean>;
  text: string;
}

const helpCache = new Map<string, Help>();
function help(cmdPath: string[]): Help {
  const key = cmdPath.join(" ");
  const hit = helpCache.get(key);
  if (hit) return hit;
  const r = spawnSync(process.execPath, [MAIN, ...cmdPath, "--help"], {
    encoding: "utf8",
    env: { ...process.env, RODENT_HOME: HOME, RODENT_LOG_LEVEL: "silent", NO_COLOR: "1" },
  });
  if (r.status !== 0) throw new Error(`rodent ${key} --help exited ${r.status}: ${r.stdout}${r.stderr}`);
  const text = r.stdout;
  const section = (name: string): string[] => {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => l.trim() === `${name}:`);
    if (start < 0) return [];
    const out: string[] = [];
    for (const l of lines.slice(start + 1)) {
      if (/^\S/.test(l)) break;
      out.push(l);
    }
    return out;
  };
  const commands = new Set<string>();
  for (const l of section("Commands")) {
    const m = l.match(/^ {2}([a-z][\w-]*(?:\|[a-z][\w-]*)*)/);
    if (m) for (const n of m[1]!.split("|")) commands.add(n);
  }
  const options = new Map<string, boolean>();
  for (const l of section("Options")) {
    const m = l.match(/^ {2}((?:-\w, )?--[\w-]+)(?:\s+([<[][^>\]]+[>\]]))?/);
    if (!m) continue;
    const takesValue = m[2] !== undefined;
    for (const f of m[1]!.split(", ")) options.set(f, takesValue);
    // commander lists "--no-x" separately; "--x [v]" optional values are still allowed bare.
  }
  const usage = (text.match(/^Usage: (.*)$/m)?.[1] ?? "").trim();
  const h = { usage, commands, options, text };
  helpCache.set(key, h);
  return h;
}

function check(cmd: StepCommand): string[] {
  const problems: string[] = [];
  const words = cmd.words;
  const cmdPath: string[] = [];
  let i = 0;
  for (;;) {
    const h = help(cmdPath);
    const w = words[i];
    if (h.commands.size === 0 || w === undefined || w.startsWith("-")) break;
    if (!h.commands.has(w)) {
      if (cmdPath.length === 0 || h.options.size <= 1)
        return [`unknown subcommand "${w}" after "rodent ${cmdPath.join(" ")}"`];
      break;
    }
    cmdPath.push(w);
    i++;
  }
  if (cmdPath.length === 0) return ["no subcommand"];
  const h = help(cmdPath);
  if (!h.usage.startsWith(`rodent ${cmdPath.join(" ")}`)) problems.push(`help usage is "${h.usage}"`);
  const positionals: string[] = [];
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w === "--") {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (w.startsWith("-") && w.length > 1) {
      const [flag, inline] = w.split(/=(.*)/s) as [string, string | undefined];
      const takes = h.options.get(flag);
      if (takes === undefined) {
        problems.push(`unknown option ${flag} for "rodent ${cmdPath.join(" ")}"`);
        continue;
      }
      if (takes && inline === undefined) {
        if (words[i + 1] === undefined || words[i + 1]!.startsWith("--")) problems.push(`${flag} needs a value`);
        i++;
      }
    } else positionals.push(w);
  }
  const argSpec = h.usage.slice(`rodent ${cmdPath.join(" ")}`.length).replace(/\[options\]/g, "");
  const required = (argSpec.match(/<[^>]+>/g) ?? []).length;
  const optional = (argSpec.match(/\[[^\]]+\]/g) ?? []).length;
  const variadic = argSpec.includes("...");
  if (positionals.length < required) problems.push(`needs ${required} argument(s), got ${positionals.length}`);
  if (!variadic && positionals.length > required + optional) {
    problems.push(
      `takes at most ${required + optional} argument(s), got ${positionals.length}: ${positionals.join(" ")}`,
    );
  }
  return problems;
}

// ---- tests ----------------------------------------------------------------------------------------------------

describe("workflow step commands against the real CLI", () => {
  // Async: a blocking build would starve the vitest worker's RPC for the minute tsc takes on a busy machine.
  beforeAll(async () => {
    const built = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
    if (built >= newestSource(path.join(REPO, "src"))) return;
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const p = spawn("flock", ["/tmp/rodent-build.lock", "npm", "run", "build", "--silent"], { cwd: REPO });
      let output = "";
      p.stdout.on("data", (d) => {
        output += d;
      });
      p.stderr.on("data", (d) => {
        output += d;
      });
      p.on("error", reject);
      p.on("close", (c) => resolve({ code: c, output }));
    });
    if (code !== 0) throw new Error(`npm run build failed (dist/ is older than src/):\n${output}`);
  }, 600_000);

  it("the shell splitter finds words, drops redirections and expands optional flags", () => {
    const cmds = shellCommands(
      "mkdir -p /tmp/out\nsince='{{inputs.parameters.since}}'\n" +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell script, not a JS template.
        "rodent ingest --source '{{x}}' ${since:+--since \"$since\"} --json > /tmp/out/r.json || code=$?\n" +
        "node -p 'require(\"/tmp/out/r.json\").snapshot; 1' 2>/dev/null > /tmp/out/snapshot",
    );
    expect(cmds).toEqual([
      ["mkdir", "-p", "/tmp/out"],
      ["since=PARAM"],
      ["rodent", "ingest", "--source", "PARAM", "--since", "VALUE", "--json"],
      ["code=VALUE"],
      ["node", "-p", 'require("/tmp/out/r.json").snapshot; 1'],
    ]);
  });

  const commands = stepCommands();

  it("finds one rodent command per CT stage, and those of promotion, rollback and monitoring", () => {
    const sub = (c: StepCommand) => (c.words[0] === "monitor" ? `monitor ${c.words[1]}` : c.words[0]);
    expect(new Set(commands.map(sub))).toEqual(
      new Set([
        ...["ingest", "validate", "features", "train", "evaluate", "register", "promote"],
        ...["monitor outcomes", "monitor check"],
      ]),
    );
    for (const c of commands) {
      expect(c.words, c.line).toContain("--json");
    }
  });

  it("the checker rejects an unknown subcommand or flag, a missing value and a missing argument", () => {
    const c = (...words: string[]) => check({ where: "t", words, line: words.join(" ") }).join("; ");
    expect(c("no-such-command", "--json")).toMatch(/unknown subcommand "no-such-command"/);
    expect(c("--json")).toMatch(/no subcommand/);
    expect(c("ingest", "--sourc", "x", "--json")).toMatch(/unknown option --sourc/);
    expect(c("ingest", "--source")).toMatch(/--source needs a value/);
    expect(c("promote", "--to", "canary", "--json")).toMatch(/needs 1 argument/);
    expect(c("features", "snap-1", "--json")).toMatch(/takes at most 0 argument/);
  });

  it("every step script is valid POSIX sh (sh -n, placeholders filled in)", () => {
    const dir = path.join(REPO, "deploy/argo");
    let n = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".yaml"))) {
      for (const doc of readManifests(path.join(dir, f))) {
        if (doc.kind !== "WorkflowTemplate" && doc.kind !== "CronWorkflow") continue;
        for (const { where, script } of scriptsOf(doc)) {
          const r = spawnSync("sh", ["-n"], { input: script.replace(/\{\{[^}]*\}\}/g, "x"), encoding: "utf8" });
          expect(r.status, `${f}: ${where}: ${r.stderr}`).toBe(0);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThanOrEqual(12);
  });

  for (const c of commands) {
    it(`${c.where}: rodent ${c.words.join(" ")}`, () => {
      expect(check(c)).toEqual([]);
    });
  }
});
