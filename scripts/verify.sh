#!/usr/bin/env bash
# mvn -B verify with the settings this kind of machine needs (see scripts/machine.env), and any
# Maven arguments given, e.g. scripts/verify.sh -DskipExtensionTests for the sample suite only.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/machine.env
. scripts/machine.env
exec mvn -B -ntp verify ${MACHINE_MAVEN_ARGS[@]+"${MACHINE_MAVEN_ARGS[@]}"} "$@"
