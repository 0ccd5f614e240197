#!/usr/bin/env bash
# Build the service's front-end assets from the vendored GOV.UK Frontend.
#
#   bash frontend/build.sh      (from any directory)
#
# Output (commit it; neither CI nor `make run` needs npm):
#   static/css/application.css        compiled, compressed, no source map
#   static/js/govuk-frontend.min.js   GOV.UK Frontend ES module build
#
# Deliberately NOT copied from govuk-frontend/dist/govuk/assets/: the GDS
# Transport fonts, the crown/crest images, the GOV.UK favicons and app icons
# and manifest.json (which lists those icons). They are reserved for GOV.UK.
# Our own favicon lives at static/images/favicon.svg and is not generated.
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "${FRONTEND_DIR}/.." && pwd)"
STATIC_DIR="${REPO_DIR}/static"
GOVUK_DIST="${FRONTEND_DIR}/node_modules/govuk-frontend/dist/govuk"

cd "${FRONTEND_DIR}"

echo "==> Installing pinned npm packages (npm ci)"
# No lifecycle scripts are needed (sass is pure JS; its optional file-watcher
# native module is only used by --watch).
npm ci --ignore-scripts --no-audit --no-fund

echo "==> Compiling scss/application.scss -> static/css/application.css"
mkdir -p "${STATIC_DIR}/css" "${STATIC_DIR}/js"
# GOV.UK Frontend 5 is written for @import; silence the Sass @import
# deprecation notices for our entry file and hide warnings from dependencies.
"${FRONTEND_DIR}/node_modules/.bin/sass" \
  --style=compressed \
  --no-source-map \
  --load-path="${FRONTEND_DIR}" \
  --quiet-deps \
  --silence-deprecation=import \
  "${FRONTEND_DIR}/scss/application.scss" \
  "${STATIC_DIR}/css/application.css"

echo "==> Copying govuk-frontend.min.js -> static/js/"
# Drop the sourceMappingURL comment: we do not ship the .map, and Django's
# ManifestStaticFilesStorage (collectstatic) fails on references to missing files.
sed -e 's|//# sourceMappingURL=[^ ]*$||' \
  "${GOVUK_DIST}/govuk-frontend.min.js" > "${STATIC_DIR}/js/govuk-frontend.min.js"
# Ensure a trailing newline.
if [ -n "$(tail -c 1 "${STATIC_DIR}/js/govuk-frontend.min.js")" ]; then
  echo >> "${STATIC_DIR}/js/govuk-frontend.min.js"
fi

echo "==> Checking brand restrictions"
if grep -q "GDS Transport" "${STATIC_DIR}/css/application.css"; then
  echo "ERROR: compiled CSS references the GDS Transport font" >&2
  exit 1
fi
if grep -Eq "url\(" "${STATIC_DIR}/css/application.css"; then
  echo "ERROR: compiled CSS references asset URLs; check they exist and are allowed:" >&2
  grep -Eo "url\([^)]*\)" "${STATIC_DIR}/css/application.css" | sort -u >&2
  exit 1
fi
# The only permitted mention is the CSS class name `.govuk-footer__crown`
# (a margin rule from the footer component; no image).
crown_hits=""
while IFS= read -r -d '' f; do
  if sed -e 's/govuk-footer__crown//g' "$f" | grep -iqE "crown|crest"; then
    crown_hits+="${f}"$'\n'
  fi
done < <(find "${STATIC_DIR}" -type f -print0)
if [ -n "${crown_hits}" ]; then
  echo "ERROR: files under static/ mention the crown/crest:" >&2
  printf '%s' "${crown_hits}" >&2
  exit 1
fi

echo "==> Done"
ls -l "${STATIC_DIR}/css/application.css" "${STATIC_DIR}/js/govuk-frontend.min.js"
