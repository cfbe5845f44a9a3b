#!/bin/sh
# managed-backend's crash watchdog: one per test JVM (Watchdog.java runs this text with
# `sh -c TEXT managed-backend-watchdog TAG ENTRIES LOG`; no file is written or executed).
# Its stdin is a pipe from the JVM, which writes one command per line:
#   add <pgid> | del <pgid>                        a backend's process group
#   add starting-<n> | del starting-<n>            a backend about to be spawned (no group yet;
#                                                  its processes are found by the tag)
#   container <id> <host> | uncontainer <id> <host>  a container and the engine it runs on
#                                                  (DOCKER_HOST form, or - for the default); an
#                                                  id label=KEY=VALUE: all containers with that label
#   ledger <folder>                                a ledger folder with entries of this JVM
# EOF means the JVM is gone, however it died. Then it signals what carries the JVM's tag,
# removes its containers, and deletes the ledger entries it fully honoured; what it could not
# do stays in the ledger, for the next JVM's sweep.
#   TAG     ($1) "MANAGED_BACKEND_OWNER=<jvm pid>:<jvm start>:": every backend process has
#           this variable in its environment, with the backend's name after the prefix
#   ENTRIES ($2) the name prefix of this JVM's ledger entries
#   LOG     ($3) where it reports: written at EOF only, and only if there is work to do
# POSIX sh (dash, BusyBox): /bin/sh starts in milliseconds and is on every machine. Needs
# grep -z (GNU or BusyBox); docker or curl for containers.

# The JVM often dies with a Ctrl-C or a hang-up to its terminal; the watchdog must not.
trap '' INT QUIT HUP PIPE
tag=$1 entries=$2 log=$3
nl='
'
# Space-separated, with a space at each end, so that " $word " matches exactly.
groups=' ' containers=' ' ledgers=''
while IFS= read -r line; do
  case $line in
    'add '*) groups="$groups${line#add } " ;;
    'del '*) w=${line#del }
      case $groups in *" $w "*) groups="${groups%%" $w "*} ${groups#*" $w "}" ;; esac ;;
    'container '*) w=${line#container }; containers="$containers${w%% *},${w#* } " ;;
    'uncontainer '*) w=${line#uncontainer }; w="${w%% *},${w#* }"
      case $containers in *" $w "*) containers="${containers%%" $w "*} ${containers#*" $w "}" ;; esac ;;
    'ledger '*) ledgers="$ledgers${line#ledger }$nl" ;;
  esac
done
# Everything was stopped normally: nothing to do, and the ledger is the JVM's business.
[ "$groups$containers" = '  ' ] && exit 0
# The log folder may not exist yet (a JVM that runs containers only writes no backend log).
case $log in */*) [ -d "${log%/*}" ] || mkdir -p -- "${log%/*}" 2>/dev/null ;; esac
if [ -n "$log" ] && (: >>"$log") 2>/dev/null; then exec >>"$log" 2>&1 </dev/null
else exec >/dev/null 2>&1 </dev/null; fi

say() { echo "[managed-backend watchdog $$] $*"; }

# tagged: the pids whose environment carries the tag now, in $pids. An environment that cannot
# be read (another user's process) is skipped: nothing of this JVM's runs as someone else.
tagged() {
  pids=''
  # shellcheck disable=SC2013 # words are right: the names are /proc/<pid>/environ
  for f in $(grep -lzs -e "^$tag" /proc/[0-9]*/environ); do
    f=${f#/proc/}; pids="$pids ${f%/environ}"
  done
}

# carries_tag PID: 0 if its environment carries the tag right now; 1 if not, or it is gone;
# 2 if it runs but its environment cannot be read: then it is not provably ours.
carries_tag() {
  grep -qzs -e "^$tag" "/proc/$1/environ"
  case $? in 0) return 0 ;; 1) return 1 ;; esac
  [ -d "/proc/$1" ] || return 1
  return 2
}

# group_of PID: its process group, in $g; fails if it is gone or a zombie.
group_of() {
  s=''
  { read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
  s=${s##*") "} # the fields after "(command name) ", which may hold anything
  # shellcheck disable=SC2086 # split into fields: state ppid pgrp ...
  set -- $s
  [ "$1" != Z ] || return 1
  g=$3
}

unreadable=' '
# cannot_read PID: remember a process left alone because its environment cannot be read.
cannot_read() {
  case $unreadable in *" $1 "*) ;; *) unreadable="$unreadable$1 " ;; esac
}

# send SIG PID|-PGID: kill, its failure reported; a target that is gone meanwhile is no failure.
send() {
  out=$(kill -s "$1" -- "$2" 2>&1) && return 0
  case $out in *'No such process'*) return 0 ;; esac
  case $2 in -*) say "could not send SIG$1 to process group ${2#-}: $out" ;;
    *) say "could not send SIG$1 to process $2: $out" ;; esac
  return 1
}

# signal SIG: sends SIG to every process that carries the tag, and to the whole process group of
# a registered backend that one of them is in (it also holds members that dropped the tag). The
# tag is read again right before each signal, per pid: a pid may have been reused since the scan.
# Fails if nothing carried the tag.
signal() {
  tagged
  [ -n "$pids" ] || return 1
  hit=' ' sent=''
  for p in $pids; do
    group_of "$p" || continue
    case $hit in *" $g "*) continue ;; esac # its group had the signal already
    carries_tag "$p"
    case $? in 1) continue ;; 2) cannot_read "$p"; continue ;; esac
    case $groups in
      *" $g "*) send "$1" "-$g" && hit="$hit$g " && all_hit="$all_hit$g " ;;
      *) send "$1" "$p" && sent="$sent $p" ;;
    esac
  done
  hg=${hit% }
  say "SIG$1 to process groups${hg:- (none)} and to the processes${sent:- (none other)}"
}

# check_groups: reports a registered group that was never signalled although its leader runs:
# the leader does not carry the tag (a reused pid, left alone), or cannot be read.
check_groups() {
  for g in $groups; do
    case $all_hit in *" $g "*) continue ;; esac
    carries_tag "$g"
    case $? in
      1) [ ! -d "/proc/$g" ] || say "left process group $g alone: no member carries the tag, its leader" \
           "$g neither (a reused pid)" ;;
      2) cannot_read "$g" ;;
    esac
  done
}

# engine_request METHOD PATH HOST: an Engine API request with curl to the engine HOST names
# (unix://, tcp://, - for DOCKER_HOST or the local socket), TLS as the docker CLI does it; the
# body in $out, the HTTP status in $code, how it went in $via. Fails if curl could not ask.
engine_request() {
  method=$1 path=$2 host=$3
  [ "$host" = - ] && host=${DOCKER_HOST:-unix:///var/run/docker.sock}
  via="curl, $host"
  case $host in
    unix://*) set -- --unix-socket "${host#unix://}"; url=http://localhost ;;
    tcp://*)
      if [ -n "${DOCKER_TLS_VERIFY:-}${DOCKER_CERT_PATH:-}" ]; then
        # the CA, the client certificate and its key from DOCKER_CERT_PATH (default ~/.docker);
        # the engine's certificate is always verified
        certs=${DOCKER_CERT_PATH:-$HOME/.docker}
        if [ ! -r "$certs/ca.pem" ] || [ ! -r "$certs/cert.pem" ] || [ ! -r "$certs/key.pem" ]; then
          out="TLS is asked for (DOCKER_TLS_VERIFY or DOCKER_CERT_PATH) but $certs lacks a readable ca.pem, cert.pem or key.pem"
          code=000
          return 1
        fi
        set -- --cacert "$certs/ca.pem" --cert "$certs/cert.pem" --key "$certs/key.pem"
        url="https://${host#tcp://}"
      else
        set --; url="http://${host#tcp://}"
      fi ;;
    *) out="curl reaches unix:// and tcp:// engines only"; code=000; return 1 ;;
  esac
  # The status code on a line of its own, after the body and whatever curl says on stderr.
  out=$(curl -sS --connect-timeout 10 --max-time 60 -w "${nl}http_code=%{http_code}$nl" -X "$method" \
    "$@" "$url$path" 2>&1)
  rc=$?
  code=${out##*http_code=}; code=${code%%"$nl"*}
  out=${out%"${nl}http_code="*}; out=${out%"$nl"}
  [ $rc -eq 0 ] || { out="curl exited with $rc, HTTP status $code: $out"; return 1; }
}

# remove_container ID HOST: force-removes the container and its anonymous volumes on the engine
# it was recorded on. Succeeds if it was removed or was gone already, by the docker CLI's exit
# status and exact message or the API's status code; anything else fails. An ID of the form
# label=KEY=VALUE stands for every container with that label: a backend registered before its
# container was created, so that a JVM killed in between leaves nothing either.
remove_container() {
  id=$1 host=$2
  case $id in label=*) remove_labelled "${id#label=}" "$host"; return ;; esac
  if command -v docker >/dev/null 2>&1; then
    if [ "$host" = - ]; then out=$(docker rm -f -v "$id" 2>&1)
    else out=$(DOCKER_HOST=$host docker rm -f -v "$id" 2>&1); fi
    rc=$?
    if [ "$host" = - ]; then via="docker CLI, default engine"; else via="docker CLI, $host"; fi
    # a docker CLI before 23 fails on a container that is gone; later ones say so and succeed
    case $rc,$out in
      0,*"No such container: $id"*) say "container $id was gone already ($via)"; return 0 ;;
      0,*) say "removed container $id ($via)"; return 0 ;;
      *,"Error response from daemon: No such container: $id" | *,"Error: No such container: $id")
        say "container $id was gone already ($via)"; return 0 ;;
    esac
    say "could not remove container $id ($via): docker exited with $rc: $out"
    return 1
  fi
  if ! command -v curl >/dev/null 2>&1; then
    say "could not remove container $id: neither docker nor curl is on the PATH"
    return 1
  fi
  if ! engine_request DELETE "/containers/$id?force=true&v=true" "$host"; then
    say "could not remove container $id ($via): $out"
    return 1
  fi
  case $code in
    204 | 200) say "removed container $id ($via)"; return 0 ;;
    # Docker's 404 for a container names it; a 404 from anything else is no proof
    404) case $out in *"No such container: $id"*) say "container $id was gone already ($via)"; return 0 ;; esac ;;
  esac
  say "could not remove container $id ($via): HTTP status $code: $out"
  return 1
}

# remove_labelled LABEL HOST: removes every container, in any state, that carries LABEL
# (KEY=VALUE); succeeds if none is left. Listing is the engine's, so a failure to list fails.
remove_labelled() {
  label=$1 host=$2
  if command -v docker >/dev/null 2>&1; then
    if [ "$host" = - ]; then ids=$(docker ps -aq --no-trunc --filter "label=$label" 2>&1)
    else ids=$(DOCKER_HOST=$host docker ps -aq --no-trunc --filter "label=$label" 2>&1); fi
    rc=$?
    [ $rc -eq 0 ] || { say "could not list the containers labelled $label: docker exited with $rc: $ids"; return 1; }
  elif command -v curl >/dev/null 2>&1; then
    filter=$(printf '%s' "$label" | sed 's/=/%3D/g')
    if ! engine_request GET "/containers/json?all=1&filters=%7B%22label%22%3A%5B%22$filter%22%5D%7D" "$host" \
      || [ "$code" != 200 ]; then
      say "could not list the containers labelled $label ($via): HTTP status $code: $out"
      return 1
    fi
    ids=$(printf '%s\n' "$out" | grep -o '"Id":"[0-9a-f]*"' | sed 's/^"Id":"//; s/"$//')
  else
    say "could not remove the containers labelled $label: neither docker nor curl is on the PATH"
    return 1
  fi
  [ -n "$ids" ] || { say "no container labelled $label (not created yet, or removed)"; return 0; }
  failed=0
  for c in $ids; do remove_container "$c" "$host" || failed=1; done
  return $failed
}

say "the JVM is gone; cleaning up process groups$groups and containers$containers"
# Containers in parallel with the processes: the engine takes longer.
jobs=''
for c in $containers; do
  remove_container "${c%%,*}" "${c#*,}" &
  jobs="$jobs $!,${c%%,*}"
done

left='' hit=' ' all_hit=' '
if signal TERM; then
  i=0
  while [ $i -lt 20 ]; do # a second of grace
    sleep 0.05; tagged
    [ -n "$pids" ] || break
    i=$((i + 1))
  done
  if [ -n "$pids" ] && signal KILL; then
    i=0
    while [ $i -lt 20 ]; do
      sleep 0.05; tagged
      [ -n "$pids" ] || break
      i=$((i + 1))
    done
    [ -z "$pids" ] || left="$left processes$pids (still running after SIGKILL)"
  fi
fi
check_groups
if [ "$unreadable" != ' ' ]; then
  say "left alone, as their environment cannot be read (they are not provably this JVM's): processes$unreadable"
  left="$left processes$unreadable (unreadable)"
fi
removed=' ' unremoved=''
for j in $jobs; do
  if wait "${j%%,*}"; then removed="$removed${j#*,} "; else unremoved="$unremoved ${j#*,}"; fi
done

# entry_container FILE: the container id a ledger entry names, in $c (empty: a process entry).
entry_container() {
  c=''
  [ -r "$1" ] || return 1
  while IFS= read -r l; do
    case $l in container=*) c=${l#container=} ;; esac
  done <"$1"
}

# An entry goes only if what it names was honoured: its container removed (or gone already),
# or, for a process entry, no process of this JVM left at all. Survivors are not mapped to
# their entries (a backend's name in the entry is escaped, in the environment it is not), so
# any survivor keeps every process entry.
kept=''
IFS=$nl
for d in $ledgers; do
  for f in "$d/$entries"*.entry; do
    [ -f "$f" ] || continue # the pattern itself: no entry
    if ! entry_container "$f"; then
      kept="$kept$nl  $f: cannot read it"
    elif [ -n "$c" ]; then
      case $removed in
        *" $c "*) rm -f -- "$f" || kept="$kept$nl  $f: could not delete it" ;;
        *) case $containers in
             *" $c,"*) kept="$kept$nl  $f: container $c not removed" ;;
             *) kept="$kept$nl  $f: container $c was never registered with the watchdog" ;;
           esac ;;
      esac
    elif [ -z "$left" ]; then
      rm -f -- "$f" || kept="$kept$nl  $f: could not delete it"
    else
      kept="$kept$nl  $f: processes left:$left"
    fi
  done
done
[ -z "$kept" ] || say "kept these ledger entries for the next sweep:$kept"
if [ -n "$left$unremoved" ]; then
  say "still there:$left${unremoved:+ containers$unremoved}"
  exit 1
fi
[ -z "$kept" ] || exit 1
say "done"
