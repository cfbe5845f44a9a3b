#!/bin/sh
# managed-backend's idle keeper: one per reused backend (IdleKeeper.java runs this text with
# `sh -c TEXT managed-backend-keeper WATCHDOG LEASE TAG LEDGER LOG`). A reused backend outlives
# the test JVM that started it; this keeper stops it once no run has used it for its idle
# timeout, even if no JVM ever runs again, and then ends. It starts before the backend is
# launched, so that a JVM killed during the start leaves nothing for longer than the lease.
#   WATCHDOG ($1) the watchdog script's text: the keeper stops the backend by running it with
#           EOF on its stdin, so there is one stop routine in sh (tag checked before each signal)
#   LEASE   ($2) a file with one line, "DEADLINE [ROOT GROUP ENTRIES]": the epoch second at which
#           the backend has been idle for too long, and once it is ready, its root pid, its process
#           group (or 0) and the name prefix (hex) of its detached ledger entry. Every run that uses
#           the backend rewrites it (renewed while it runs, now + timeout at its release), so the
#           keeper needs no channel to any JVM: a run that was SIGKILLed simply stops renewing. A
#           deadline in the content rather than the file's mtime: POSIX sh has no portable way to
#           read an mtime. The file gone means a JVM stopped or replaced the backend.
#   TAG     ($3) "MANAGED_BACKEND_OWNER=<reuse identity>:", as the watchdog takes it
#   LEDGER  ($4) the ledger folder
#   LOG     ($5) where the watchdog reports, if it has work to do
# Every argument but the first is hex (as for the watchdog), and so is ENTRIES; the numbers are
# checked as numbers, so no value is read as a word.
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
unhex "$3" || exit 2; tag=$out
case $tag in '' | *[!A-Za-z0-9=:._-]*) exit 2 ;; esac

root='' group=0 entries=''
while :; do
  [ -f "$lease" ] || break
  deadline='' r='' g='' e=''
  { read -r deadline r g e <"$lease"; } 2>/dev/null
  case $deadline in '' | *[!0-9]*) break ;; esac
  if [ -n "$r" ]; then
    case $r$g in *[!0-9]*) break ;; esac
    case $e in *[!0-9a-f]*) e='' ;; esac
    root=$r group=$g entries=$e
    grep -qzs -e "^$tag" "/proc/$root/environ" || break
  fi
  now=$(date +%s) || break
  [ "$now" -lt "$deadline" ] || break
  sleep 1
done
# idle for too long (or gone, or taken over): whatever still carries the tag is stopped
rm -f -- "$lease"
# "keeper" (hex) is a word the watchdog keeps that matches no process group: it only has to
# know there is work, and finds the processes by the tag
{
  [ "${group:-0}" -eq 0 ] || printf 'add %s\n' "$(printf '%s' "$group" | od -An -tx1 | tr -d ' \n')"
  printf 'add 6b6565706572\nledger %s\n' "$4"
} | sh -c "$watchdog" managed-backend-watchdog "$3" "${entries:-2d}" "$5"
