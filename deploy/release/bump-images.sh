#!/usr/bin/env bash
# Points every image reference of an environment at one release, pinned by digest (repository:tag@sha256:...),
# in one go, so that the pipeline that trains and the service that serves run the same code:
#   staging (default): values-staging.yaml (image.tag + image.digest) and every `# release:image` line of the
#                      WorkflowTemplates and CronWorkflows in deploy/argo (CT, monitoring, promote, rollback)
#   --production:      values-production.yaml (image.tag + image.digest), by a reviewed commit after staging
# Usage: deploy/release/bump-images.sh [--production] IMAGE VERSION DIGEST
#   e.g. deploy/release/bump-images.sh ghcr.io/acme/rodent-risk 0.2.0 sha256:4f1c...
# Run from the repository root; edits files in place, commits nothing (release.yml commits and pushes).
set -euo pipefail
production=false
if [ "${1:-}" = "--production" ]; then production=true; shift; fi
[ $# -eq 3 ] || { echo "usage: $0 [--production] IMAGE VERSION DIGEST" >&2; exit 2; }
image="$1" version="$2" digest="$3"
[[ "$image" =~ ^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+$ ]] || { echo "IMAGE: not a repository name: $image" >&2; exit 2; }
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || { echo "VERSION: expected X.Y.Z, got $version" >&2; exit 2; }
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "DIGEST: expected sha256:<64 hex>, got $digest" >&2; exit 2; }
chart=deploy/helm/rodent-risk

values() {
  local file="$1"
  grep -q '# release:image-tag$' "$file" && grep -q '# release:image-digest$' "$file" \
    || { echo "$file: no '# release:image-tag' / '# release:image-digest' lines" >&2; exit 2; }
  sed -i -E \
    -e "s|^([[:space:]]*tag: ).*(# release:image-tag)\$|\\1\"$version\" \\2|" \
    -e "s|^([[:space:]]*digest: ).*(# release:image-digest)\$|\\1\"$digest\" \\2|" "$file"
  # The chart's own repository follows the release's (forks push elsewhere).
  sed -i -E "s|^([[:space:]]*repository: ).*(# release:image-repository)\$|\\1$image \\2|" "$file"
}

if $production; then
  values "$chart/values-production.yaml"
  exit 0
fi
values "$chart/values-staging.yaml"
n=0
for f in deploy/argo/*.yaml; do
  grep -q '# release:image$' "$f" || continue
  sed -i -E "s|^([[:space:]]*image: (&[a-z]+ )?)[^ ]+ (# release:image)\$|\\1$image:$version@$digest \\3|" "$f"
  n=$((n + $(grep -c '# release:image$' "$f")))
done
[ "$n" -ge 4 ] || { echo "expected at least 4 '# release:image' lines in deploy/argo, found $n" >&2; exit 2; }
# Nothing may be left on another tag of this image.
if grep -rnE "image: (&[a-z]+ )?${image//./\\.}:" deploy/argo | grep -v "$version@$digest"; then
  echo "image references left behind (above)" >&2; exit 1
fi
