#!/usr/bin/env bash
# The one test command (npm test): installs what the suite needs (cached), then lint, typecheck,
# build, and the whole vitest suite, which starts and stops its own servers.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/tools.sh all
export PATH="${RODENT_TOOLS_CACHE:-$HOME/.cache/rodent-risk}/bin:$PATH"
echo "== lint" >&2
npx biome check .
echo "== typecheck" >&2
npx tsc --noEmit
echo "== build" >&2
npm run build --silent
echo "== tests" >&2
npx vitest run "$@"
