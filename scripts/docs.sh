#!/usr/bin/env bash
# Builds the user guide (docs/, mkdocs.yml) into target/site with Debian's mkdocs, strictly: a
# broken link between pages or a nav entry whose page is missing fails it, and so does a page
# in docs/ that the nav leaves out. BENCHMARKS.md (kept at the root, where the benchmark runs
# write it) becomes the page docs/benchmarks.md first, its links into the source tree turned
# into plain text. Then scripts/check-snippets.py checks the snippets no Maven test covers.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib-apt.sh
. scripts/lib-apt.sh
command -v mkdocs >/dev/null 2>&1 || apt_install mkdocs
{
    echo "<!-- generated from BENCHMARKS.md by scripts/docs.sh; edit that file, not this one -->"
    perl -pe 's/\[([^\]]+)\]\((?!https?:|#)[^)]+\)/$1/g' BENCHMARKS.md
} > docs/benchmarks.md
# mkdocs only notes a page that no nav entry names; here it is an error, so no page is lost.
orphans=0
for page in docs/*.md docs/**/*.md; do
    [ -e "$page" ] || continue
    grep -q ": ${page#docs/}\$" mkdocs.yml || { echo "scripts/docs.sh: $page is in no nav entry of mkdocs.yml" >&2; orphans=1; }
done
[ "$orphans" = 0 ]
# The snippets no Maven test checks (yaml, python, blocks without a language), and that every block
# is owned by a check (see the script's header); Debian's python3 has the yaml module mkdocs uses.
/usr/bin/python3 scripts/check-snippets.py
exec mkdocs build --strict --clean --site-dir target/site "$@"
