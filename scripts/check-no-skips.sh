#!/usr/bin/env bash
# Fails if the last Maven run skipped a test: a test that needs Docker, Python, root or a second
# user runs in CI, and a skip there would count as a pass. Reads the Surefire and Failsafe reports
# of the extension, the command line and the sample suite.
set -euo pipefail
cd "$(dirname "$0")/.."
found=0 skipped=""
for dir in extension/target/surefire-reports cli/target/surefire-reports cli/target/failsafe-reports \
    target/failsafe-reports; do
    [ -d "$dir" ] || continue
    for report in "$dir"/TEST-*.xml; do
        [ -f "$report" ] || continue
        found=$((found + 1))
        # the suite's own line: <testsuite ... name="..." ... skipped="N" ...>
        line=$(grep -m1 -o '<testsuite [^>]*' "$report")
        count=$(printf '%s' "$line" | sed -n 's/.* skipped="\([0-9]*\)".*/\1/p')
        if [ -n "$count" ] && [ "$count" -ne 0 ]; then
            name=$(printf '%s' "$line" | sed -n 's/.* name="\([^"]*\)".*/\1/p')
            skipped="$skipped  $name: $count skipped ($report)"$'\n'
        fi
    done
done
[ "$found" -gt 0 ] || { echo "check-no-skips: no test reports found" >&2; exit 1; }
if [ -n "$skipped" ]; then
    printf 'check-no-skips: tests were skipped, which CI counts as a failure (each needs what CI has):\n%s' "$skipped" >&2
    exit 1
fi
echo "check-no-skips: $found test reports, none with a skipped test"
