#!/bin/sh
# managed-backend's idle keeper: one per reused backend (IdleKeeper.java runs this text with
# `sh -c TEXT managed-backend-keeper WATCHDOG LEASE ROOT TAG ENTRIES LEDGER GROUP LOG`). A reused
# backend outlives the test JVM that started it; this keeper stops it once no run has used it
# for its idle timeout, even if no JVM ever runs again, and then ends.
#   WATCHDOG ($1) the watchdog script's text: the keeper stops the backend by running it with
#           EOF on its stdin, so there is one stop routine in sh (tag checked before each signal)
#   LEASE   ($2) a file whose first line is the epoch second at which the backend becomes idle
#           for too long. Every run that uses the backend rewrites it (renew while it runs,
#           now + timeout at its release), so the keeper needs no channel to any JVM: a run that
#           was SIGKILLed simply stops renewing. A content deadline rather than the file's mtime:
#           POSIX sh has no portable way to read an mtime. The file gone means the backend was
#           stopped or replaced by a JVM.
#   ROOT    ($3) the backend's root pid: the keeper ends once it no longer carries the tag
#   TAG     ($4) "MANAGED_BACKEND_OWNER=<reuse identity>:", as the watchdog takes it
#   ENTRIES ($5) the name prefix of the backend's detached ledger entry
#   LEDGER  ($6) the ledger folder
#   GROUP   ($7) the backend's process group, or 0
#   LOG     ($8) where the watchdog reports, if it has work to do
# Every argument but the first is hex (as for the watchdog), so no value is read as a word.
set -f
trap '' INT QUIT HUP PIPE
exec </dev/null >/dev/null 2>&1

# unhex HEX: the text HEX encodes, in $out; fails if HEX is not even-length lowercase hex.
unhex() {
  out='' h=$1 esc=''
  case $h in *[!0-9a-f]*) return 1 ;; esac
  [ $((${#h} % 2)) -eq 0 ] || return 1
  while [ -n "$h" ]; do
    rest=${h#??}; pair=${h%"$rest"}; h=$rest
    n=$((0x$pair))
    esc="$esc\\0$((n / 64))$((n / 8 % 8))$((n % 8))"
  done
  out=$(printf '%b' "$esc"; printf x); out=${out%x}
}

watchdog=$1
unhex "$2" || exit 2; lease=$out
unhex "$3" || exit 2; root=$out
unhex "$4" || exit 2; tag=$out
unhex "$7" || exit 2; group=$out
case $root in '' | *[!0-9]*) exit 2 ;; esac
case $group in '' | *[!0-9]*) exit 2 ;; esac
case $tag in '' | *[!A-Za-z0-9=:._-]*) exit 2 ;; esac

while :; do
  [ -f "$lease" ] || break
  deadline=''
  { read -r deadline <"$lease"; } 2>/dev/null
  case $deadline in '' | *[!0-9]*) break ;; esac
  grep -qzs -e "^$tag" "/proc/$root/environ" || break
  now=$(date +%s) || break
  [ "$now" -lt "$deadline" ] || break
  sleep 1
done
# idle for too long (or gone, or taken over): whatever still carries the tag is stopped
rm -f -- "$lease"
# "keeper" (hex) is a word the watchdog keeps that matches no process group: it only has to
# know there is work, and finds the processes by the tag
{
  [ "$group" -eq 0 ] || printf 'add %s\n' "$7"
  printf 'add 6b6565706572\nledger %s\n' "$6"
} | sh -c "$watchdog" managed-backend-watchdog "$4" "$5" "$8"
