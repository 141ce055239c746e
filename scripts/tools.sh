#!/usr/bin/env bash
# Installs the real servers and tools the test suite needs, into a per-user cache so a
# second run (or a fresh clone on the same machine) costs nothing. Idempotent: every step
# checks for its result first. Usage: scripts/tools.sh [python|go|apt|all]
set -euo pipefail
CACHE="${RODENT_TOOLS_CACHE:-$HOME/.cache/rodent-risk}"
mkdir -p "$CACHE"
what="${1:-all}"
log() { echo "[tools] $*" >&2; }

# Python: MLflow (tracking server + its Python client), XGBoost (reference learner),
# moto (S3-compatible server), FastAPI/uvicorn (the serving stack we benchmark against).
# Pinned so CI and laptops agree; bump deliberately.
PY_PKGS=(mlflow==3.18.0 xgboost==3.4.1 "moto[server]==5.2.5" fastapi==0.163.2 uvicorn==0.54.0 numpy pandas)
py() {
  local venv="$CACHE/venv" stamp="$CACHE/venv/.stamp-v1"
  if [ -f "$stamp" ]; then return 0; fi
  log "creating python venv in $venv (first run only)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${PY_PKGS[@]}"
  touch "$stamp"
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

case "$what" in
  python) py ;;
  go) gotools ;;
  apt) aptpkgs ;;
  all) py; gotools; aptpkgs ;;
  *) echo "unknown: $what" >&2; exit 2 ;;
esac
