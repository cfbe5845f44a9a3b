# managed-backend's prefork template: a Python that imports uvicorn and the app once, then
# forks a fresh backend per request, each running uvicorn's own command line for its port.
# Template.java runs this text as `python -c TEXT SOCKET APP --host HOST ARGS...` (SOCKET, then
# the arguments a cold `python -m uvicorn` would get, without --port) in the app's folder. The
# idea is gunicorn's --preload: the import happens before the fork, the server after it.
#
# Protocol: one line per message, over the Unix-domain socket SOCKET (ControlChannel.java), to
# which this connects before it imports anything of the app. Its stdout and stderr are the app's
# and go to its log: whatever the app prints, protocol words included, never reaches the channel.
# From the JVM:
#   fork ID PORT HEX(PORT value) HEX(log file)   fork a backend for PORT, output to the log
# EOF means the JVM is gone (or done): the template exits. Its children live on in sessions of
# their own; they carry the JVM's tag, so the normal stop or the watchdog ends them.
# To the JVM (each line sent whole, SIGCHLD held off meanwhile, so lines never mix):
#   ready PID              imported; forks on request (all the import printed is in the log)
#   nofork REASON          will not fork (REASON says why); the JVM starts the backend cold
#   forked ID PID          the child for request ID runs as PID
#   failed ID REASON       fork() failed for request ID
#   exited PID CODE        a child ended: its exit code, 128 + N if killed by signal N
import gc
import importlib
import os
import signal
import socket
import sys

HANDLED = (signal.SIGINT, signal.SIGTERM)  # what stops a uvicorn server
LAZY_MODULES = ("uvicorn.loops.auto", "uvicorn.loops.asyncio", "uvicorn.loops.uvloop", "uvloop",
                "anyio._backends._asyncio", "anyio._core._sockets", "anyio._core._streams", "anyio.streams.memory",
                "anyio.streams.stapled", "anyio.streams.tls", "anyio.to_thread", "fastapi.telemetry._runtime")


CHANNEL = None  # the connected socket; never a child's


def say(*words):
    line = (" ".join(str(w) for w in words).replace("\n", " ") + "\n").encode()
    # SIGCHLD's handler says things too: held off, it cannot cut into a line half sent
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    try:
        CHANNEL.sendall(line)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def connect(path):
    global CHANNEL
    CHANNEL = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        CHANNEL.connect(path)
    finally:
        # connected (or the JVM is gone): nobody else may connect, nothing is left in /tmp,
        # should the JVM be killed before it deletes them
        for remove in (os.unlink, os.rmdir):
            try:
                remove(path)
            except OSError:
                pass
            path = os.path.dirname(path)


def flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a stream the app closed or replaced: nothing of ours to keep
            pass


def main():
    connect(sys.argv[1])
    base = sys.argv[2:]  # APP --host HOST ARGS...
    if not hasattr(os, "fork"):
        say("nofork", "this Python has no os.fork (Windows)")
        return
    # `python -m uvicorn` puts the working directory (absolute) first on sys.path; `-c` put ''
    sys.path[0] = os.getcwd()
    sys.argv = sys.argv[:1] + base
    try:
        cli = uvicorn_main()
        app, options = parse(cli, base)
    except BaseException as e:  # noqa: B036 - SystemExit too: click exits on a bad option
        return cannot("uvicorn did not take its arguments in the template", e)
    unsafe = unforkable(options)
    if unsafe:
        say("nofork", "uvicorn's " + unsafe)
        return
    try:
        warm_up(app, options)
    except BaseException as e:  # noqa: B036 - SystemExit too: uvicorn exits on a bad app
        return cannot("the app did not import in the template", e)
    unsafe = fork_hazards()
    if unsafe:
        say("nofork", "importing the app left " + unsafe)
        return
    cli.Server = fast_stopping(cli.Server)
    signal.signal(signal.SIGCHLD, reap)
    # what was imported stays as it is: a child's collections skip it, and its pages stay shared
    gc.collect()
    gc.freeze()
    flush()  # the JVM copies what the import printed from the log into each backend's
    say("ready", os.getpid())
    serve()


def uvicorn_main():
    """The module uvicorn.main (the package's attribute of that name is the click command)."""
    return importlib.import_module("uvicorn.main")


def cannot(what, e):
    import traceback
    traceback.print_exc()
    flush()
    say("nofork", "%s (%s: %s)" % (what, type(e).__name__, e))


def parse(cli, base):
    """The app and the options uvicorn's own command line makes of the arguments (environment
    variables such as WEB_CONCURRENCY included): what its run() would get."""
    parsed = {}
    real_run = cli.run
    cli.run = lambda app, **options: parsed.update(app=app, options=options)
    try:
        cli.main.main(args=base + ["--port", "0"], prog_name="uvicorn", standalone_mode=False)
    finally:
        cli.run = real_run
    return parsed["app"], dict(parsed["options"])


def unforkable(options):
    """The uvicorn option a forked server cannot honour, or None."""
    workers = options.get("workers")
    if workers is not None and workers != 1:
        return "--workers %s starts worker processes of its own" % workers
    if options.get("reload"):
        return "--reload restarts the server from a watcher process"
    if options.get("uds"):
        return "--uds binds a Unix socket, not the backend's port"
    if options.get("fd") is not None:
        return "--fd serves a socket the template does not have"
    return None


def warm_up(app, options):
    """Does what a cold start does before it serves, short of serving: builds uvicorn's Config
    (logging, --env-file) and imports the app and the protocol modules. The child then finds
    them all in sys.modules."""
    from uvicorn.config import HTTP_PROTOCOLS, LIFESPAN, WS_PROTOCOLS, Config
    from uvicorn.importer import import_from_string

    app_dir = options.pop("app_dir", None)
    if app_dir is not None:
        sys.path.insert(0, app_dir)
    config = Config(app, **options)
    import_from_string(app)
    lazy = [table.get(key) for table, key in ((HTTP_PROTOCOLS, config.http), (WS_PROTOCOLS, config.ws),
                                              (LIFESPAN, config.lifespan)) if isinstance(key, str)]
    for target in filter(None, lazy):
        try:
            import_from_string(target)
        except Exception:  # an optional protocol that is missing: the child says so, as a cold start would
            pass
    # What uvicorn and AnyIO import only once the loop runs and the first request comes: pure
    # modules of packages the app has imported already (the check for threads and sockets runs after)
    for name in LAZY_MODULES:
        if name.split(".")[0] in sys.modules:
            try:
                importlib.import_module(name)
            except Exception:
                pass


def fork_hazards():
    """What makes a fork unsafe, or None: other threads (a child gets none of them, and any lock
    they held stays locked) and open sockets (a child would share the connection)."""
    import stat
    import threading

    threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    if os.path.isdir("/proc/self/task"):
        native = len(os.listdir("/proc/self/task")) - 1
        if native > len(threads):
            threads += ["%d not started by threading" % (native - len(threads))]
    if threads:
        return "%d thread(s) running: %s" % (len(threads), ", ".join(threads))
    fds = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    sockets = []
    for fd in sorted(int(name) for name in os.listdir(fds)):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                sockets.append(str(fd))
        except OSError:
            pass  # the listing's own descriptor, closed by now
    sockets = [fd for fd in sockets if fd != str(CHANNEL.fileno())]  # ours: each child closes it
    if sockets:
        return "%d socket(s) open (file descriptors %s)" % (len(sockets), ", ".join(sockets))
    return None


def fast_stopping(server_class):
    """uvicorn's Server, but a stop is noticed at once: uvicorn looks at its exit flag every
    100 ms and then waits 100 ms more for connections, here the loop wakes on the signal and
    the waits poll every 5 ms. What happens in a stop, and what it logs, stays uvicorn's."""
    import asyncio
    import logging

    logger = logging.getLogger("uvicorn.error")

    class PreforkServer(server_class):
        wake = None

        def handle_exit(self, sig, frame):
            super().handle_exit(sig, frame)
            if self.wake is not None:
                try:
                    self.wake()
                except RuntimeError:  # the loop is closed already: nothing to wake
                    pass

        async def main_loop(self):
            loop = asyncio.get_running_loop()
            stop = asyncio.Event()
            self.wake = lambda: loop.call_soon_threadsafe(stop.set)
            try:
                counter = 0
                while not await self.on_tick(counter):  # on_tick keeps its 100 ms chores
                    counter = (counter + 1) % 864000
                    try:
                        await asyncio.wait_for(stop.wait(), 0.1)
                    except asyncio.TimeoutError:
                        pass
            finally:
                self.wake = None

        async def shutdown(self, sockets=None):
            try:
                servers, state, lifespan = self.servers, self.server_state, self.lifespan
            except AttributeError:  # a uvicorn whose Server is built otherwise: its own shutdown
                return await super().shutdown(sockets=sockets)
            logger.info("Shutting down")
            for server in servers:
                server.close()
            for sock in sockets or []:
                sock.close()
            for connection in list(state.connections):
                connection.shutdown()
            timeout = getattr(self.config, "timeout_graceful_shutdown", None)
            try:
                await asyncio.wait_for(self.drain(state), timeout)
            except asyncio.TimeoutError:
                logger.error("Cancel %s running task(s), timeout graceful shutdown exceeded", len(state.tasks))
                for task in state.tasks:
                    task.cancel()
            for server in servers:
                await server.wait_closed()
            if not self.force_exit:
                await lifespan.shutdown()

        async def drain(self, state):
            """Waits for open connections, then background tasks, as uvicorn does; says so after 100 ms."""
            for waiting, message in (
                    (lambda: state.connections, "Waiting for connections to close. (CTRL+C to force quit)"),
                    (lambda: state.tasks, "Waiting for background tasks to complete. (CTRL+C to force quit)")):
                waited = 0
                while waiting() and not self.force_exit:
                    if waited == 20:
                        logger.info(message)
                    waited += 1
                    await asyncio.sleep(0.005)

    return PreforkServer


def reap(signum, frame):
    """SIGCHLD: reports every child that ended."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        say("exited", pid, 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))


def serve():
    pending = b""
    while True:
        try:
            data = CHANNEL.recv(65536)
        except OSError:
            data = b""
        if not data:
            flush()
            os._exit(0)  # the JVM is gone, or has no more use for us
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            words = line.decode().split(" ")
            if words[0] == "fork" and len(words) == 5:
                fork(words[1], words[2], bytes.fromhex(words[3]).decode(), bytes.fromhex(words[4]).decode())


def fork(request, port, port_value, log):
    # SIGCHLD waits until the JVM has heard of the child, so "exited" never comes before "forked"
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    try:
        flush()  # nothing buffered may be written twice
        try:
            pid = os.fork()
        except OSError as e:
            say("failed", request, e)
            return
        if pid == 0:
            child(port, port_value, log)  # never returns
        say("forked", request, pid)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})


def child(port, port_value, log):
    """The backend: a session of its own, output to its log, PORT set, then uvicorn's command
    line exactly as a cold start runs it (`python -m uvicorn APP --port PORT --host ...`)."""
    code = 1
    try:
        # the channel is the template's: closed (not shut down, which would end it for the
        # template too), so that the template's end is the JVM's EOF
        CHANNEL.close()
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        out = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.close(out)
        os.environ["PORT"] = port_value
        cli = uvicorn_main()
        args = [sys.argv[1], "--port", port] + sys.argv[2:]
        sys.argv = [os.path.join(os.path.dirname(cli.__file__), "__main__.py")] + args
        code = run(cli.main, args)
    except BaseException:  # noqa: B036 - reported in the log, as an uncaught exception would be
        import traceback
        traceback.print_exc()
    finally:
        os._exit(code)


def run(command, args):
    """Runs uvicorn's click command as `python -m uvicorn` does, and ends the way the
    interpreter would end that process: it waits for non-daemon threads, runs the exit
    handlers, flushes, and returns the exit code (the caller skips only the teardown of modules)."""
    import atexit
    import threading
    import traceback

    try:
        command.main(args=args, prog_name="python -m uvicorn")
        code = 0
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            code = e.code or 0
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: B036 - as the interpreter reports an uncaught exception
        traceback.print_exc()
        code = 1
    for signum in HANDLED:  # a signal during the exit handlers ends the process, as it would cold
        signal.signal(signum, signal.SIG_DFL)
    getattr(threading, "_shutdown", lambda: None)()  # what Py_FinalizeEx does first
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    return code


main()
