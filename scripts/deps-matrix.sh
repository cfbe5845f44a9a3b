#!/usr/bin/env bash
# The extension as published, in the dependency set-ups of users' builds:
#   scripts/deps-matrix.sh [PROFILE...] [-- MAVEN_ARGS...]
#   1. the release build (README, "Building a release"), tests skipped: it must make exactly the
#      jar, sources, javadoc and pom that Maven Central takes (and the checksums), with the
#      module name in the manifest and the licence, SCM and developers in the pom; it also
#      installs them in the local repository;
#   2. deps-check/ against that jar under each PROFILE (default: all five), each a kind of user
#      build: okhttp5 (okhttp-jvm 5 declared, no BOM), okhttp4 (okhttp 4.12 declared), retrofit
#      (Retrofit 2.11 and the OkHttp 3.14 it brings), boot35 (Spring Boot 3.5 BOM import; with its
#      Testcontainers 1.21, container mode runs an image and a Dockerfile build, with this
#      machine's settings from scripts/machine.env) and plain (no OkHttp). For each, first the
#      build's mvn dependency:tree without the extension (-Dwithout.extension) and with it: the
#      extension may add dependencies of its own, but changes no version of the build's (Kotlin
#      included) and adds no OkHttp, Okio or Kotlin; then its tests: one okhttp3.OkHttpClient,
#      the build's own (none in plain), and a backend that starts and is injected.
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
[ ${#profiles[@]} -gt 0 ] || profiles=(okhttp5 okhttp4 retrofit boot35 plain)

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
! unzip -l "$javadoc" | grep -E 'dev/managedbackend/(internal|engine|terminal)/' >/dev/null || fail "internal packages documented in $javadoc"
pom="$dir/$(echo "$files" | grep '\.pom$')"
for element in '<description>' '<url>' '<license>' '<developer>' '<scm>' '<connection>'; do
    grep -q "$element" "$pom" || fail "no $element in $pom"
done
echo "deps-matrix: $dir holds jar, sources, javadoc and pom with checksums"

# "group:artifact[:classifier] version" for each node of a dependency:tree output file
tree_versions() {
    sed -nE 's/^[-+|\\ ]*([^ :]+):([^ :]+):([^ :]+):(([^ :]+):)?([^ :]+):(compile|runtime|test|provided|system|import)( .*)?$/\1:\2:\5 \6/p' "$1" \
        | sed -E "s/: / /" | LC_ALL=C sort -u
}

trees=$(mktemp -d)
trap 'rm -rf "$trees"' EXIT
for profile in "${profiles[@]}"; do
    echo "=== deps-matrix: deps-check -P$profile: dependency:tree without and with the extension"
    for side in without with; do
        flag=(); [ "$side" = with ] || flag=(-Dwithout.extension)
        mvn -B -ntp -q -f deps-check/pom.xml "-P$profile" ${flag[@]+"${flag[@]}"} dependency:tree \
            "-DoutputFile=$trees/$profile-$side.txt" "$@"
        tree_versions "$trees/$profile-$side.txt" >"$trees/$profile-$side.versions"
    done
    # same artifact, another version: the extension moved one of the build's dependencies
    changed=$(LC_ALL=C join "$trees/$profile-without.versions" "$trees/$profile-with.versions" | awk '$2 != $3')
    [ -z "$changed" ] || fail "-P$profile: adding the extension changes these versions (artifact, without, with):
$changed"
    added=$(LC_ALL=C join -v 2 "$trees/$profile-without.versions" "$trees/$profile-with.versions")
    brought=$(echo "$added" | grep -E '^(com\.squareup\.okhttp3|com\.squareup\.okio|org\.jetbrains\.kotlin):' || true)
    [ -z "$brought" ] || fail "-P$profile: the extension brings an HTTP client or Kotlin: $brought"
    [ "$(wc -l <"$trees/$profile-without.versions")" -gt 1 ] || fail "-P$profile: empty tree in $trees/$profile-without.txt"
    echo "deps-matrix: -P$profile: no version changed; the extension adds $(echo "$added" | grep -c .) artifacts"
    echo "=== deps-matrix: deps-check -P$profile: tests"
    mvn -B -ntp -q -f deps-check/pom.xml "-P$profile" clean test ${MACHINE_MAVEN_ARGS[@]+"${MACHINE_MAVEN_ARGS[@]}"} "$@"
done
