package dev.managedbackend.internal.crash;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.ProcessGroups;

/**
 * The test JVM's watchdog: a {@code /bin/sh} script (a few milliseconds to start, nothing to
 * install) whose stdin is a pipe from this JVM. The JVM tells it what runs; when the pipe reaches
 * EOF, the JVM is gone, however it died (SIGKILL, the OOM killer, a JVM crash, an IDE's stop
 * button), and the script stops what the JVM left behind. It runs in a session of its own, so
 * Ctrl-C to Maven's process group does not take it down with the JVM.
 *
 * <p>It never signals a process group unless a member still carries this JVM's tag in its
 * environment ({@code MANAGED_BACKEND_OWNER=<jvm pid>:<jvm start>:...}), so a group id that was
 * reused by an unrelated program is left alone.
 */
final class Watchdog {

    /** What {@code $0} says in {@code ps}, so people (and tests) can tell what it is. */
    static final String NAME = "managed-backend-watchdog";

    // Commands, one per line (the JVM writes them; a line is far below PIPE_BUF, so atomic):
    //   add <pgid> / del <pgid>                          a backend's process group
    //   container <id> <host|-> / uncontainer <id> <host|->   a container (and its DOCKER_HOST)
    //   ledger <folder>                                  a ledger folder with entries of this JVM
    // $1: "MANAGED_BACKEND_OWNER=<jvm pid>:<jvm start>:", $2: name prefix of this JVM's ledger
    // entries, $3: log file (only written at EOF, and only when there is something to clean up).
    private static final String SCRIPT = """
            trap '' INT QUIT HUP PIPE
            tag=$1 entries=$2 log=$3
            groups=' ' containers=' ' ledgers='' nl='
            '
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
            [ "$groups$containers" = '  ' ] && exit 0
            if [ -n "$log" ] && ( : >>"$log" ) 2>/dev/null; then exec >>"$log" 2>&1 </dev/null
            else exec >/dev/null 2>&1 </dev/null; fi
            say() { echo "[managed-backend watchdog $$] $*"; }
            tagged() {
              pids=''
              for f in $(grep -lzs -e "^$tag" /proc/[0-9]*/environ 2>/dev/null); do
                f=${f#/proc/}; pids="$pids ${f%/environ}"
              done
            }
            group_of() {
              s=''
              { read -r s < "/proc/$1/stat"; } 2>/dev/null || return 1
              s=${s##*") "}
              set -- $s
              [ "$1" != Z ] && g=$3
            }
            signal() {
              tagged
              [ -n "$pids" ] || return 1
              hit=' '
              for p in $pids; do
                group_of "$p" || continue
                case $groups in
                  *" $g "*) case $hit in *" $g "*) ;; *) hit="$hit$g "; kill -s "$1" -- "-$g" ;; esac ;;
                  *) kill -s "$1" "$p" ;;
                esac
              done 2>/dev/null
              say "SIG$1 to process groups$hit and to the processes$pids"
            }
            remove_container() {
              if command -v docker >/dev/null 2>&1; then
                if [ "$2" = - ]; then out=$(docker rm -f -v "$1" 2>&1)
                else out=$(DOCKER_HOST=$2 docker rm -f -v "$1" 2>&1); fi
              elif command -v curl >/dev/null 2>&1; then
                sock=/var/run/docker.sock
                case $2 in unix://*) sock=${2#unix://} ;; -) case ${DOCKER_HOST:-} in unix://*) sock=${DOCKER_HOST#unix://} ;; esac ;; esac
                out=$(curl -sS -f --unix-socket "$sock" -X DELETE "http://localhost/containers/$1?force=true&v=true" 2>&1)
              else
                say "cannot remove container $1: neither docker nor curl is on the PATH"; return 1
              fi
              case $? in 0) say "removed container $1" ;; *) case $out in *'No such container'*|*404*) ;;
                *) say "could not remove container $1: $out"; return 1 ;; esac ;; esac
            }
            say "the JVM is gone; cleaning up process groups$groups and containers$containers"
            jobs=''
            for c in $containers; do remove_container "${c%%,*}" "${c#*,}" & jobs="$jobs $!"; done
            left=''
            if signal TERM; then
              i=0
              while [ $i -lt 20 ]; do
                sleep 0.05; tagged
                [ -n "$pids" ] || break
                i=$((i + 1))
              done
              if [ -n "$pids" ] && signal KILL; then sleep 0.1; tagged; [ -z "$pids" ] || left="processes$pids"; fi
            fi
            for j in $jobs; do wait "$j" || left="$left containers"; done
            if [ -n "$left" ]; then say "still there: $left; the ledger entries stay for the next sweep"; exit 1; fi
            IFS=$nl
            for d in $ledgers; do rm -f -- "$d/$entries"*.entry; done
            say "done"
            """;

    private final Process process;
    private final OutputStream commands;

    private Watchdog(Process process) {
        this.process = process;
        this.commands = process.getOutputStream();
    }

    /**
     * Starts a watchdog for this JVM.
     *
     * @param tagPrefix   {@code MANAGED_BACKEND_OWNER=<jvm pid>:<jvm start>:}
     * @param entryPrefix the name prefix of this JVM's ledger entries
     * @param log         where it reports, if it ever has to act
     */
    static Watchdog start(String tagPrefix, String entryPrefix, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        ProcessGroups.setsid().ifPresent(command::add);
        command.addAll(List.of("/bin/sh", "-c", SCRIPT, NAME, tagPrefix, entryPrefix, log.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.DISCARD);
        builder.environment().remove(OwnerTag.VARIABLE);
        return new Watchdog(builder.start());
    }

    long pid() {
        return process.pid();
    }

    /** Sends one command; false if the watchdog is gone (then the caller starts a new one). */
    synchronized boolean send(String command) {
        try {
            commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }
}
