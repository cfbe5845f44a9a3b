#!/bin/sh
# managed-backend's crash watchdog: one per test JVM (Watchdog.java runs this text with
# `sh -c TEXT managed-backend-watchdog TAG ENTRIES LOG`; no file is written or executed).
# Its stdin is a pipe from the JVM, which writes one command per line. Every value in a command
# and every argument is hex (UTF-8 bytes, two lowercase digits each), so that no path, id or name
# can be read as a word, a line or a pattern; a line that is not a command of this form is ignored.
#   add HEX | del HEX                       a backend's process group, or starting-<n>: a backend
#                                           about to be spawned (no group yet; its processes are
#                                           found by the tag)
#   container ID HOST | uncontainer ID HOST a container and the engine it runs on (DOCKER_HOST form,
#                                           or - for the default); an ID label=KEY=VALUE stands for
#                                           all containers with that label
#   image NAME HOST | unimage NAME HOST     an image the JVM built, removed after its containers
#   ledger FOLDER                           a ledger folder with entries of this JVM
# EOF means the JVM is gone, however it died. Then it signals what carries the JVM's tag,
# removes its containers and images, and deletes the ledger entries it fully honoured; what it
# could not do stays in the ledger, for the next JVM's sweep.
#   TAG     ($1) "MANAGED_BACKEND_OWNER=<jvm identity>:": every backend process has this variable
#           in its environment, with the backend's name after the prefix
#   ENTRIES ($2) the name prefix of this JVM's ledger entries
#   LOG     ($3) where it reports, in a folder only this user may use: created (never opened if it
#           exists, never through a link) at EOF, and only if there is work to do
# Every call to an engine is bounded (ENGINE_BOUND seconds); an engine that does not answer, or
# cannot be reached, is reported once and its containers' entries are kept.
# Without /proc (macOS) processes are seen through ps: POSIX options to list them and their groups,
# and the environment shown by `ps -E` (macOS, BSD) or `ps e` (procps); without either, process
# entries are left to the next sweep.
# For maintainers' tests only: MANAGED_BACKEND_WATCHDOG_PROC names another folder to read as /proc
# (an empty one: behave as on a platform without /proc); MANAGED_BACKEND_PORTABLE=1 ignores /proc
# (the library's switch of the same name: the portable path, as on macOS).
# POSIX sh (dash, BusyBox): /bin/sh starts in milliseconds and is on every machine. Needs
# grep -z (GNU or BusyBox) where there is a /proc, else ps and awk; sleep and rm; docker or curl
# for containers.

# No pathname expansion anywhere: every list here holds data. The globs that are meant are
# expanded with `set +f; set -- PATTERN; set -f`, every variable part of PATTERN quoted.
set -f
# The JVM often dies with a Ctrl-C or a hang-up to its terminal; the watchdog must not.
trap '' INT QUIT HUP PIPE
ENGINE_BOUND=20
proc=${MANAGED_BACKEND_WATCHDOG_PROC:-/proc}
nl='
'

# unhex HEX: the text HEX encodes, in $out; fails (out empty) if HEX is not even-length lowercase hex.
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

# hexword WORD: 0 if WORD is a non-empty even-length lowercase hex string (a value as sent).
hexword() {
  case $1 in '' | *[!0-9a-f]*) return 1 ;; esac
  [ $((${#1} % 2)) -eq 0 ]
}

unhex "$1" || exit 2; tag=$out
unhex "$2" || exit 2; entries=$out
unhex "$3" || exit 2; log=$out
# the tag goes into a grep pattern: it must be what the JVM makes (letters, digits, = : - _ .)
case $tag in '' | *[!A-Za-z0-9=:._-]*) exit 2 ;; esac

# bounded CMD...: runs CMD, its output in $out and its exit status in $rc, killed after
# ENGINE_BOUND seconds (then rc=124). POSIX sh has no timeout(1); no temporary file either. With
# $with_host set, CMD gets it as DOCKER_HOST.
bounded() {
  out=$(
    # shellcheck disable=SC2030 # for CMD only: this is the command substitution's own shell
    [ -z "${with_host:-}" ] || { DOCKER_HOST=$with_host; export DOCKER_HOST; }
    "$@" 2>&1 </dev/null &
    cmd=$!
    (sleep "${bound:-$ENGINE_BOUND}"; kill -KILL "$cmd") >/dev/null 2>&1 &
    sleeper=$!
    wait "$cmd"; status=$?
    # the sleeper still waiting means the command ended by itself
    kill "$sleeper" 2>/dev/null || status=124
    printf '\n%s' "$status"
  )
  rc=${out##*"$nl"}; out=${out%"$nl"*}; out=${out%"$nl"}
  case $rc in '' | *[!0-9]*) rc=1 ;; esac
  [ "$rc" -ne 124 ] || out="no answer within ${bound:-$ENGINE_BOUND} s"
}

# How processes are seen: /proc (Linux), else ps with a flag that shows environments, else not
# at all. Found out now, while the JVM runs, so that its end waits for nothing of this.
if [ "${MANAGED_BACKEND_PORTABLE:-}" != 1 ] && [ -r "$proc/self/stat" ]; then procs=proc; else procs=''; fi
envps=''
bound=''
# ps_bounded ARGS...: ps, as `bounded` runs it, but within 5 s: a ps that hangs counts as nothing seen.
ps_bounded() {
  bound=5
  bounded ps "$@"
  bound=''
}

# No /proc: ps, if one here shows environments (-E: macOS, the BSDs; e: procps; BusyBox has neither).
if [ -z "$procs" ]; then
  for flag in -E e; do
    ps_bounded "$flag" -p $$ -o args=
    if [ "$rc" -eq 0 ] && [ -n "$out" ]; then procs=ps envps=$flag; break; fi
  done
fi

# Space-separated lists of hex words (pairs joined by ","), with a space at each end, so that
# " $word " matches exactly. Hex holds no space, comma, quote or pattern character.
groups=' ' containers=' ' images=' ' ledgers=' '
while IFS=' ' read -r word a b rest; do
  [ -z "$rest" ] || continue
  hexword "$a" || continue
  [ -z "$b" ] || hexword "$b" || continue
  case $word in
    add) groups="$groups$a " ;;
    del) case $groups in *" $a "*) groups="${groups%%" $a "*} ${groups#*" $a "}" ;; esac ;;
    container) [ -n "$b" ] && containers="$containers$a,$b " ;;
    uncontainer) case $containers in *" $a,$b "*) containers="${containers%%" $a,$b "*} ${containers#*" $a,$b "}" ;; esac ;;
    image) [ -n "$b" ] && images="$images$a,$b " ;;
    unimage) case $images in *" $a,$b "*) images="${images%%" $a,$b "*} ${images#*" $a,$b "}" ;; esac ;;
    ledger) case $ledgers in *" $a "*) ;; *) ledgers="$ledgers$a " ;; esac ;;
  esac
done
# Everything was stopped normally: nothing to do, and the ledger is the JVM's business.
[ "$groups$containers$images" = '   ' ] && exit 0

# The log: only in a folder that is no link and is this user's (the JVM made it private), and
# only as a new file (noclobber: never one that exists, nor a link), readable by this user only;
# else another new name.
exec </dev/null
umask 077
logged=''
dir=${log%/*}
if [ -n "$log" ] && [ "$dir" != "$log" ] && [ -d "$dir" ] && [ ! -L "$dir" ] && [ -O "$dir" ]; then
  set -C
  for name in "$log" "${log%.log}-$$.log"; do
    if [ ! -e "$name" ] && [ ! -L "$name" ] && command exec >"$name" 2>&1; then logged=$name; break; fi
  done
  set +C
fi
[ -n "$logged" ] || exec >/dev/null 2>&1

say() { echo "[managed-backend watchdog $$] $*"; }

# ps_with_tag ARGS...: the lines of `ps ARGS` that hold " $tag" (status 1: none). Filtered as
# they come: a listing with environments and arguments is large (other watchdogs' arguments are
# their whole script), too large for the shell to take apart quickly.
ps_with_tag() {
  # shellcheck disable=SC2009 # pgrep matches names and arguments, never environments
  ps "$@" | grep -F -e " $tag"
}

# ps_match: reads lines "PID PGID STATE ARGS ENV" (ps with environments) and, from $plain, the
# same processes' "PID PGID STATE ARGS": prints "ours PID PGID" for each whose environment (what
# follows its arguments: a tag in the arguments is no tag) carries the tag and that is no
# zombie, and "again PID" for each whose line changed between the two reads (its state, most
# often) or is missing. awk, not the shell's ${line#"$args"}: a prefix of many kilobytes (a
# prefork template's arguments are its script) takes the shell seconds.
ps_match() {
  PLAIN=$plain TAG=$tag awk '
    BEGIN {
      n = split(ENVIRON["PLAIN"], lines, "\n")
      for (i = 1; i <= n; i++) { split(lines[i], f, " "); if (f[1] != "") plain[f[1]] = lines[i] }
    }
    $1 ~ /^[0-9]+$/ {
      a = plain[$1]
      if (a == "" || index($0, a) != 1) { print "again", $1; next }
      if ($3 ~ /^Z/) next
      if (index(" " substr($0, length(a) + 1) " ", " " ENVIRON["TAG"]) > 0) print "ours", $1, $2
    }'
}

# ps_scan: with ps, the pids whose environment carries the tag, in $pids, and " pid:pgid " pairs
# for them in $pgroups. Two calls, not a ps per process (each ps costs tens of milliseconds): all
# processes with environments (procps and BSD ps append them to the arguments), those holding the
# tag, then those alone without environments (see ps_match). One that changed between the two
# is read again alone, once.
ps_scan() {
  pids='' pgroups=' '
  bound=5
  bounded ps_with_tag "$envps" -A -ww -o pid= -o pgid= -o stat= -o args=
  bound=''
  [ "$rc" -eq 0 ] || return 0
  withenv=$out
  list=$(printf '%s\n' "$withenv" | while read -r p _; do printf '%s,' "$p"; done)
  case $list in '' | *[!0-9,]*) return 0 ;; esac
  ps_bounded -ww -p "${list%,}" -o pid= -o pgid= -o stat= -o args=; plain=$out
  matched=$(printf '%s\n' "$withenv" | ps_match)
  while read -r what p g; do
    if [ "$what" = again ]; then
      ps_bounded -ww -p "$p" -o pid= -o pgid= -o stat= -o args=; plain=$out
      ps_bounded "$envps" -ww -p "$p" -o pid= -o pgid= -o stat= -o args=
      # shellcheck disable=SC2046,SC2086 # "ours PID PGID" or nothing (no globbing: set -f)
      set -- $(printf '%s\n' "$out" | ps_match)
      [ "${1:-}" = ours ] || continue # gone, or it changes under us: not provably ours this time
      what=$1 p=$2 g=$3
    fi
    [ "$what" = ours ] && pids="$pids $p" pgroups="$pgroups$p:$g "
  done <<EOF
$matched
EOF
}

# tagged: the pids whose environment carries the tag now, in $pids. An environment that cannot
# be read (another user's process) is skipped: nothing of this JVM's runs as someone else.
tagged() {
  pids=''
  [ -n "$procs" ] || return 0
  if [ "$procs" = ps ]; then
    ps_scan
    return 0
  fi
  set +f
  set -- "$proc"/[0-9]*/environ
  set -f
  # shellcheck disable=SC2013 # words are right: the names are /proc/<pid>/environ
  for f in $(grep -lzs -e "^$tag" "$@"); do
    f=${f#"$proc/"}; pids="$pids ${f%/environ}"
  done
}

# carries_tag PID: 0 if its environment carries the tag right now; 1 if not, or it is gone;
# 2 if it runs but its environment cannot be read: then it is not provably ours.
carries_tag() {
  if [ "$procs" = ps ]; then # as the last scan read it: signal scans right before it signals
    case " $pids " in *" $1 "*) return 0 ;; esac
    return 1
  fi
  grep -qzs -e "^$tag" "$proc/$1/environ"
  case $? in 0) return 0 ;; 1) return 1 ;; esac
  [ -d "$proc/$1" ] || return 1
  return 2
}

# group_of PID: its process group, in $g; fails if it is gone or a zombie.
group_of() {
  s=''
  if [ "$procs" = ps ]; then
    case $pgroups in *" $1:"*) g=${pgroups#*" $1:"}; g=${g%% *}; return 0 ;; esac
    return 1
  fi
  { read -r s <"$proc/$1/stat"; } 2>/dev/null || return 1
  s=${s##*") "} # the fields after "(command name) ", which may hold anything
  # shellcheck disable=SC2086 # split into fields: state ppid pgrp ... (no globbing: set -f)
  set -- $s
  [ "$1" != Z ] || return 1
  g=$3
}

# alive PID: 0 if a process with that pid exists.
alive() {
  if [ "$procs" = ps ]; then
    ps_bounded -p "$1" -o pid=
    [ "$rc" -eq 0 ] && [ -n "$out" ]
    return
  fi
  [ -d "$proc/$1" ]
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

# The registered process groups, decoded: numbers only (starting-<n> words match no group).
pgids=' '
for w in $groups; do
  unhex "$w" || continue
  case $out in '' | *[!0-9]*) ;; *) pgids="$pgids$out " ;; esac
done

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
    case $pgids in
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
  for g in $pgids; do
    case $all_hit in *" $g "*) continue ;; esac
    carries_tag "$g"
    case $? in
      1) alive "$g" && say "left process group $g alone: no member carries the tag, its leader" \
           "$g neither (a reused pid)" ;;
      2) cannot_read "$g" ;;
    esac
  done
}

# engine_down: 0 if the last docker or curl call failed because the engine did not answer or
# could not be reached (not because of the container or image itself).
engine_down() {
  [ "$rc" -ne 0 ] || return 1
  case $rc in 124) return 0 ;; esac
  case $out in
    *'Cannot connect to the Docker daemon'* | *'error during connect'* | *'connection refused'* \
      | *'Connection refused'* | *'curl exited with 6,'* | *'curl exited with 7,'* | *'curl exited with 28,'*) return 0 ;;
  esac
  return 1
}

# engine_request METHOD PATH HOST: an Engine API request with curl to the engine HOST names
# (unix://, tcp://, - for DOCKER_HOST or the local socket), TLS as the docker CLI does it; the
# body in $out, the HTTP status in $code, how it went in $via. Fails if curl could not ask.
engine_request() {
  method=$1 path=$2 host=$3
  # shellcheck disable=SC2031 # the DOCKER_HOST this watchdog inherited, as meant
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
          code=000 rc=1
          return 1
        fi
        set -- --cacert "$certs/ca.pem" --cert "$certs/cert.pem" --key "$certs/key.pem"
        url="https://${host#tcp://}"
      else
        set --; url="http://${host#tcp://}"
      fi ;;
    *) out="curl reaches unix:// and tcp:// engines only"; code=000 rc=1; return 1 ;;
  esac
  # The status code on a line of its own, after the body and whatever curl says on stderr.
  with_host='' bounded curl -sS --connect-timeout 10 --max-time "$ENGINE_BOUND" -w "${nl}http_code=%{http_code}$nl" \
    -X "$method" "$@" "$url$path"
  [ "$rc" -ne 124 ] || { code=000; return 1; }
  code=${out##*http_code=}; code=${code%%"$nl"*}
  out=${out%"${nl}http_code="*}; out=${out%"$nl"}
  [ "$rc" -eq 0 ] || { out="curl exited with $rc, HTTP status $code: $out"; return 1; }
}

# docker_on HOST ARGS...: the docker CLI on that engine, bounded.
docker_on() {
  host=$1; shift
  if [ "$host" = - ]; then via="docker CLI, default engine"; with_host='' bounded docker "$@"
  else via="docker CLI, $host"; with_host=$host bounded docker "$@"; fi
}

# remove_container ID HOST: force-removes the container and its anonymous volumes on the
# engine it was recorded on. Succeeds if it was removed or was gone already, by the docker CLI's
# exit status and exact message or the API's status code; anything else fails. An ID of the form
# label=KEY=VALUE stands for every container with that label: a backend registered before its
# container was created, so that a JVM killed in between leaves nothing either.
remove_container() {
  id=$1 host=$2
  case $id in label=*) remove_labelled "${id#label=}" "$host"; return ;; esac
  if command -v docker >/dev/null 2>&1; then
    docker_on "$host" rm -f -v -- "$id"
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
    rc=1 out=''
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
    docker_on "$host" ps -aq --no-trunc --filter "label=$label"
    [ "$rc" -eq 0 ] || { say "could not list the containers labelled $label ($via): docker exited with $rc: $out"; return 1; }
    ids=$out
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
    rc=1 out=''
    return 1
  fi
  [ -n "$ids" ] || { say "no container labelled $label (not created yet, or removed)"; return 0; }
  failed=0
  for c in $ids; do
    case $c in *[!0-9a-f]*) say "ignored \"$c\" in the list of containers labelled $label"; failed=1; continue ;; esac
    remove_container "$c" "$host" || { failed=1; engine_down && return 1; }
  done
  return $failed
}

# remove_image NAME HOST: force-removes an image this JVM built; succeeds if it is gone.
remove_image() {
  name=$1 host=$2
  if command -v docker >/dev/null 2>&1; then
    docker_on "$host" rmi -f -- "$name"
    case $rc,$out in
      0,*) say "removed image $name ($via)"; return 0 ;;
      *,*"No such image"*) say "image $name was gone already ($via)"; return 0 ;;
    esac
    say "could not remove image $name ($via): docker exited with $rc: $out"
    return 1
  fi
  if ! command -v curl >/dev/null 2>&1; then
    say "could not remove image $name: neither docker nor curl is on the PATH"
    rc=1 out=''
    return 1
  fi
  if ! engine_request DELETE "/images/$name?force=true" "$host"; then
    say "could not remove image $name ($via): $out"
    return 1
  fi
  case $code in
    200) say "removed image $name ($via)"; return 0 ;;
    404) say "image $name was gone already ($via)"; return 0 ;;
  esac
  say "could not remove image $name ($via): HTTP status $code: $out"
  return 1
}

# forget_container ID: deletes the ledger entries of this JVM that name container ID (removed).
forget_container() {
  gone=$1
  for d in $ledgers; do
    unhex "$d"
    set +f; set -- "$out/$entries"*.entry; set -f
    for f in "$@"; do
      [ -e "$f" ] || continue # the pattern itself: no entry
      entry_container "$f" || continue
      [ "$c" = "$gone" ] || continue
      rm -f -- "$f" || say "could not delete the ledger entry $f"
    done
  done
}

# entry_container FILE: the container id a ledger entry names, in $c (empty: a process entry).
entry_container() {
  c=''
  [ -r "$1" ] || return 1
  while IFS= read -r l; do
    case $l in container=*) c=${l#container=} ;; esac
  done <"$1"
}

# on_engine HEXHOST: removes this engine's containers, then its images, one after another, and
# deletes the ledger entry of each container removed; an engine that does not answer or cannot
# be reached is reported once, and the rest of its work is left (its entries stay for the next
# sweep). Fails if anything is left.
on_engine() {
  unhex "$1"; engine=$out failed_here=0
  for each in $containers; do
    [ "${each#*,}" = "$1" ] || continue
    unhex "${each%%,*}"; cid=$out
    if remove_container "$cid" "$engine"; then
      forget_container "$cid"
    elif engine_down; then
      say "the engine $engine did not answer or cannot be reached ($out): left its containers and images" \
        "as they are; their ledger entries stay for the next sweep"
      return 1
    else
      failed_here=1
    fi
  done
  for each in $images; do
    [ "${each#*,}" = "$1" ] || continue
    unhex "${each%%,*}"
    remove_image "$out" "$engine" || { failed_here=1; engine_down && return 1; }
  done
  return $failed_here
}

say "the JVM is gone; cleaning up process groups$pgids, containers and images (processes seen through ${procs:-nothing})"
# Engines in parallel with the processes, one job per engine: they take longer.
jobs='' engines=' '
for each in $containers $images; do
  case $engines in *" ${each#*,} "*) continue ;; esac
  engines="$engines${each#*,} "
  on_engine "${each#*,}" &
  jobs="$jobs $!"
done

left='' hit=' ' all_hit=' '
if [ -z "$procs" ]; then
  [ "$groups" = ' ' ] || say "cannot see processes here (no $proc): none was stopped; left to the next sweep"
elif signal TERM; then
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
[ -z "$procs" ] || check_groups
if [ "$unreadable" != ' ' ]; then
  say "left alone, as their environment cannot be read (they are not provably this JVM's): processes$unreadable"
  left="$left processes$unreadable (unreadable)"
fi
engines_failed=''
for j in $jobs; do wait "$j" || engines_failed=yes; done

# registered ID: 0 if the JVM registered container ID with the watchdog.
registered() {
  for r in $containers; do
    unhex "${r%%,*}"
    [ "$out" != "$1" ] || return 0
  done
  return 1
}

# An entry goes only if what it names was honoured: its container removed (or gone already: the
# engine's job deleted its entry then), or, for a process entry, no process of this JVM left at all
# (and processes could be seen).
# Survivors are not mapped to their entries (a backend's name in the entry is escaped, in the
# environment it is not), so any survivor keeps every process entry.
kept='' unremoved=''
for d in $ledgers; do
  unhex "$d"
  set +f; set -- "$out/$entries"*.entry; set -f
  for f in "$@"; do
    [ -e "$f" ] || continue # the pattern itself: no entry
    if ! entry_container "$f"; then
      kept="$kept$nl  $f: cannot read it"
    elif [ -n "$c" ]; then
      if registered "$c"; then kept="$kept$nl  $f: container $c not removed"; unremoved="$unremoved $c"
      else kept="$kept$nl  $f: container $c was never registered with the watchdog"; fi
    elif [ -z "$procs" ]; then
      kept="$kept$nl  $f: processes cannot be seen here (no $proc)"
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
[ -z "$kept$engines_failed" ] || exit 1
say "done"
