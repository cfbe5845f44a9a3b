#!/usr/bin/env bash
# The extension as published, in the dependency set-ups of users' builds:
#   scripts/deps-matrix.sh [PROFILE...] [-- MAVEN_ARGS...]
#   1. the release build (README, "Building a release"), tests skipped: it must make exactly the
#      jar, sources, javadoc and pom that Maven Central takes (and the checksums), with the
#      module name in the manifest and the licence, SCM and developers in the pom; it also
#      installs them in the local repository;
#   2. deps-check/ against that jar under each PROFILE (default: all three), each a kind of build:
#      boot35 (Spring Boot 3.5 BOM import; with its Testcontainers 1.21, container mode runs an
#      image and a Dockerfile build, with this machine's settings from scripts/machine.env), okhttp4 (OkHttp 4 declared, as Retrofit users have it),
#      okhttp5 (okhttp-bom 5 and okhttp-jvm 5). Each checks that one copy of okhttp3.OkHttpClient
#      is on the classpath, that it is the OkHttp the build claims, and that a backend starts and
#      its okhttp3.HttpUrl injection works.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/machine.env
. scripts/machine.env

profiles=()
while [ $# -gt 0 ]; do
    case "$1" in
        --) shift; break ;;
        *) profiles+=("$1") ;;
    esac
    shift
done
[ ${#profiles[@]} -gt 0 ] || profiles=(boot35 okhttp4 okhttp5)

echo "=== deps-matrix: the release build (mvn -f extension/pom.xml -Prelease clean deploy -DskipTests)"
mvn -B -ntp -q -f extension/pom.xml -Prelease clean deploy -DskipTests "$@"
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' extension/pom.xml | head -1)
dir="extension/target/staging-deploy/dev/managedbackend/managed-backend-junit/$version"
fail() { echo "deps-matrix: $*" >&2; exit 1; }
[ -d "$dir" ] || fail "no $dir"
# (grep without -q after a pipe: -q would end the pipe early, and pipefail count unzip's SIGPIPE)
# exactly four files (a SNAPSHOT's carry a time stamp: managed-backend-junit-0.1.0-20261203.101010-1.jar),
# each with its checksums
files=$(find "$dir" -maxdepth 1 -name 'managed-backend-junit-*' ! -name '*.md5' ! -name '*.sha1' ! -name '*.asc' \
    -printf '%f\n' | sort)
[ "$(echo "$files" | wc -l)" -eq 4 ] || fail "$dir holds other files than jar, sources, javadoc and pom: $files"
for pattern in '[0-9]\.jar$' '-sources\.jar$' '-javadoc\.jar$' '\.pom$'; do
    [ "$(echo "$files" | grep -c -- "$pattern")" -eq 1 ] || fail "no single file matching $pattern in $dir: $files"
done
for file in $files; do
    if [ ! -f "$dir/$file.md5" ] || [ ! -f "$dir/$file.sha1" ]; then
        fail "no checksums for $dir/$file"
    fi
done
jar="$dir/$(echo "$files" | grep '[0-9]\.jar$')"
unzip -p "$jar" META-INF/MANIFEST.MF | grep '^Automatic-Module-Name: dev.managedbackend' >/dev/null \
    || fail "no Automatic-Module-Name in $jar"
unzip -l "$jar" | grep ' META-INF/LICENSE$' >/dev/null || fail "no META-INF/LICENSE in $jar"
javadoc="$dir/$(echo "$files" | grep -- '-javadoc\.jar$')"
unzip -l "$javadoc" | grep 'dev/managedbackend/ManagedBackend.html' >/dev/null || fail "no ManagedBackend.html in $javadoc"
! unzip -l "$javadoc" | grep 'dev/managedbackend/internal/' >/dev/null || fail "internal packages documented in $javadoc"
pom="$dir/$(echo "$files" | grep '\.pom$')"
for element in '<description>' '<url>' '<license>' '<developer>' '<scm>' '<connection>'; do
    grep -q "$element" "$pom" || fail "no $element in $pom"
done
echo "deps-matrix: $dir holds jar, sources, javadoc and pom with checksums"

for profile in "${profiles[@]}"; do
    echo "=== deps-matrix: deps-check -P$profile"
    mvn -B -ntp -q -f deps-check/pom.xml "-P$profile" clean test ${MACHINE_MAVEN_ARGS[@]+"${MACHINE_MAVEN_ARGS[@]}"} "$@"
done
