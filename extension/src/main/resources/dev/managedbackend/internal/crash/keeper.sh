#!/bin/sh
# managed-backend's idle keeper: one per reused backend (IdleKeeper.java runs this text with
# `sh -c TEXT managed-backend-keeper WATCHDOG LEASE TAG TAGHEX LEDGERHEX LOGHEX`). A reused
# backend outlives the test JVM that started it; this keeper stops it once no run has used it
# for its idle timeout, even if no JVM ever runs again, and then ends. It starts before the
# backend is launched, so that a JVM killed during the start leaves nothing beyond the lease.
#   WATCHDOG ($1) the watchdog script's text: the keeper stops the backend by running it with
#           EOF on its stdin, so there is one stop routine in sh (tag checked before each signal)
#   LEASE   ($2) a file in the private state folder with one line, "DEADLINE [ROOT GROUP ENTRIES]":
#           the epoch second at which the backend has been idle for too long, and once it is
#           ready, its root pid, its process group (or 0) and the name prefix (hex) of its
#           detached ledger entry. Every run that uses the backend rewrites it (renewed while it
#           runs, now + timeout at its release), so the keeper needs no channel to any JVM: a run
#           that was SIGKILLed simply stops renewing. A deadline in the content rather than the
#           file's mtime: POSIX sh has no portable way to read an mtime. The file gone means a JVM
#           stopped or replaced the backend.
#   TAG     ($3) "MANAGED_BACKEND_OWNER=<reuse identity>:" (letters, digits, = : . _ - only), and
#           TAGHEX ($4) the same in hex, as the watchdog takes it
#   LEDGERHEX ($5) the ledger folder, LOGHEX ($6) where the watchdog reports: hex, passed on
# Only LEASE and TAG are used here, always quoted; what is passed on stays hex, and every word
# read from the lease is checked (numbers as numbers, ENTRIES as hex).
set -f
trap '' INT QUIT HUP PIPE
exec </dev/null >/dev/null 2>&1

watchdog=$1 lease=$2 tag=$3
case $lease in /*.lease) ;; *) exit 2 ;; esac
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
    if [ "${MANAGED_BACKEND_PORTABLE:-}" != 1 ] && [ -r /proc/self/stat ]; then
      grep -qzs -e "^$tag" "/proc/$root/environ" || break
    else
      # without /proc only whether it lives shows; the watchdog checks the tag before it signals
      kill -0 "$root" 2>/dev/null || break
    fi
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
  printf 'add 6b6565706572\nledger %s\n' "$5"
} | sh -c "$watchdog" managed-backend-watchdog "$4" "${entries:-2d}" "$6"
