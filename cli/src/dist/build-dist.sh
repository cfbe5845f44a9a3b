#!/bin/sh
# Builds managed-backend-<version>-linux-x64.tar.gz, the command line for machines without Java:
#   managed-backend-<version>/bin/managed-backend    the launcher (the same script as cli/bin)
#   managed-backend-<version>/lib/managed-backend-cli-<version>.jar   the shaded jar
#   managed-backend-<version>/lib/managed-backend.aot   its ahead-of-time cache (classes loaded and linked)
#   managed-backend-<version>/runtime/               a Java runtime made by jlink: only the modules the jar needs
# Called by Maven in package (cli/pom.xml, exec-maven-plugin) after the shade plugin:
#   build-dist.sh JDK MODULES JAR VERSION TARGET
# The cache comes from a training run (AotTraining) of the commands on the linked runtime itself,
# with the JVM options the launcher uses (a cache made with other options is not used).
set -eu

jdk=$1
modules=$2
jar=$3
version=$4
target=$5

if [ ! -x "$jdk/bin/jlink" ]; then
    echo "build-dist: no JDK at $jdk (-Ddist.jdk): the archive's runtime is linked from a JDK 24 or later;" \
        "point -Ddist.jdk at one, or build without the archive: -Ddist.skip=true" >&2
    exit 1
fi
feature=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
if [ "${feature:-0}" -lt 24 ]; then
    echo "build-dist: $jdk is Java $feature; the archive's runtime needs Java 24 or later (its ahead-of-time cache):" \
        "point -Ddist.jdk at one, or build without the archive: -Ddist.skip=true" >&2
    exit 1
fi

name=managed-backend-$version
root=$target/dist/$name
rm -rf "$target/dist" "$target/dist-training"
mkdir -p "$root/bin" "$root/lib" "$target/dist-training"

"$jdk/bin/jlink" --add-modules "$modules" --output "$root/runtime" \
    --strip-debug --no-man-pages --no-header-files
cp "$(dirname "$0")/../../bin/managed-backend" "$root/bin/managed-backend"
chmod 755 "$root/bin/managed-backend"
cp -p "$jar" "$root/lib/managed-backend-cli-$version.jar"

# Keep these options equal to the launcher's (bin/managed-backend): C1 only and the serial
# collector start fastest for a command that runs for a fraction of a second.
if ! "$root/runtime/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
        -XX:AOTCacheOutput="$root/lib/managed-backend.aot" \
        -cp "$root/lib/managed-backend-cli-$version.jar" dev.managedbackend.cli.AotTraining \
        "$target/dist-training" "$jdk/bin/jwebserver" >"$target/dist-training.log" 2>&1; then
    echo "build-dist: the training run of the commands failed; its output:" >&2
    tail -n 40 "$target/dist-training.log" >&2
    exit 1
fi

(cd "$target/dist" && tar -czf "$target/$name-linux-x64.tar.gz" --owner=0 --group=0 "$name")
echo "build-dist: $target/$name-linux-x64.tar.gz ($(du -k "$target/$name-linux-x64.tar.gz" | cut -f1) KiB;" \
    "runtime: $modules)"
