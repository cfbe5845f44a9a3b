#!/usr/bin/env bash
# Builds the user guide (docs/, mkdocs.yml) into target/site with Debian's mkdocs, strictly: a
# broken link between pages, a link to a missing anchor's page or a page missing from the nav
# fails it. BENCHMARKS.md (kept at the root, where the benchmark runs write it) becomes the page
# docs/benchmarks.md first, its links into the source tree turned into plain text.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib-apt.sh
. scripts/lib-apt.sh
command -v mkdocs >/dev/null 2>&1 || apt_install mkdocs
{
    echo "<!-- generated from BENCHMARKS.md by scripts/docs.sh; edit that file, not this one -->"
    perl -pe 's/\[([^\]]+)\]\((?!https?:|#)[^)]+\)/$1/g' BENCHMARKS.md
} > docs/benchmarks.md
exec mkdocs build --strict --clean --site-dir target/site "$@"
