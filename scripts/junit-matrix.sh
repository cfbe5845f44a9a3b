#!/usr/bin/env bash
# Runs the suites on each JUnit line a user's BOM may pin:
#   scripts/junit-matrix.sh [--full] VERSION... [-- MAVEN_ARGS...]
# For each Jupiter VERSION:
#   1. the sample suite (src/test/java) against the extension jar as it is published, compiled
#      against the oldest supported Jupiter, with junit-bom VERSION imported the way users pin it;
#   2. the extension's tests recompiled and run on VERSION: the JUnit-sensitive ones (lifecycle,
#      scopes, injection, configuration, reports, parallel runs), or all of them with --full.
# Every run also checks that the Jupiter on its classpath really is VERSION (JUnitVersionIT,
# JUnitVersionTests), and fails if a backend outlives its scope (TeardownCheck, ScopeTests).
set -euo pipefail
cd "$(dirname "$0")/.."

SENSITIVE='JUnitVersionTests,ScopeTests,InjectionTests,DiagnosticsTests,ConfigurationDefaultsTests,'\
'WrittenAttributesTests,EnvReferenceTests,ParallelExecutionTests,StartGroupTests,ProcessModeTests,'\
'RegisteredExtensionTests,StopAndRestartTests,ReadinessTests'

full=false
versions=()
while [ $# -gt 0 ]; do
    case "$1" in
        --full) full=true ;;
        --) shift; break ;;
        *) versions+=("$1") ;;
    esac
    shift
done
[ ${#versions[@]} -gt 0 ] || { echo "usage: $0 [--full] VERSION... [-- MAVEN_ARGS...]" >&2; exit 2; }

for version in "${versions[@]}"; do
    echo "=== junit-matrix: Jupiter $version: sample suite against the published jar"
    # the docs' shell snippets (ShellSnippetsIT, ~45 s) run no JUnit: scripts/verify.sh runs them once
    scripts/verify.sh -q -DskipExtensionTests -Dsample.junit.version="$version" \
        '-Dsample.excluded=**/ShellSnippetsIT.java' "$@"
    echo "=== junit-matrix: Jupiter $version: extension tests ($($full && echo all || echo JUnit-sensitive))"
    if $full; then
        scripts/verify.sh -q -pl extension -Djunit.version="$version" "$@"
    else
        scripts/verify.sh -q -pl extension -Djunit.version="$version" -Dtest="$SENSITIVE" "$@"
    fi
done
