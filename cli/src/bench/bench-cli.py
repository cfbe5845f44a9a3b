#!/usr/bin/env python3
"""The command line's speed, side by side with its floors (BENCHMARKS.md, "The command line").

    python3 cli/src/bench/bench-cli.py [--rounds 10] [--archive DIR] [--jar JAR]

Runs every contender once per round, the order flipped every other round, and prints the median
wall time and CPU time (user + sys of the process tree) of each. Contenders: a JVM that prints one
line (the floor of any Java command), `ss -ltnp` and `lsof -i :PORT` (the floor of `who`), the
unpacked archive (its own runtime and cache) and the plain jar on the JDK on the PATH. `start` is
measured against uvicorn alone: spawn to first 2xx of /health, polled every 5 ms.
Three backends run for `status` (three) and `who`; every one is stopped at the end.
"""
import argparse, os, resource, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

here = os.path.dirname(os.path.abspath(__file__))
cli = os.path.dirname(os.path.dirname(here))
repo = os.path.dirname(cli)

p = argparse.ArgumentParser()
p.add_argument("--rounds", type=int, default=10)
p.add_argument("--archive", help="an unpacked managed-backend-<version> folder")
p.add_argument("--jar", help="the plain jar (default: cli/target/managed-backend-cli-*.jar)")
p.add_argument("--sample", default=os.path.join(repo, "sample-fastapi"))
a = p.parse_args()

work = tempfile.mkdtemp(prefix="bench-cli-")
state = os.path.join(work, "state")
if not a.archive:
    tars = [f for f in os.listdir(os.path.join(cli, "target")) if f.endswith("-linux-x64.tar.gz")]
    subprocess.run(["tar", "-xzf", os.path.join(cli, "target", tars[0]), "-C", work], check=True)
    a.archive = os.path.join(work, tars[0][: -len("-linux-x64.tar.gz")])
if not a.jar:
    a.jar = [os.path.join(cli, "target", f) for f in os.listdir(os.path.join(cli, "target"))
             if f.startswith("managed-backend-cli-") and f.endswith(".jar")][0]
archive = [os.path.join(a.archive, "bin", "managed-backend")]
jar = [os.path.join(cli, "bin", "managed-backend")]
env = dict(os.environ, MANAGED_BACKEND_JAR=a.jar)
hello_dir = os.path.join(work, "hello")
os.makedirs(hello_dir)
with open(os.path.join(hello_dir, "Hello.java"), "w") as f:
    f.write('public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n')
subprocess.run(["javac", "-d", hello_dir, os.path.join(hello_dir, "Hello.java")], check=True)
python = os.path.join(a.sample, ".venv", "bin", "python")


def timed(cmd, **kw):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=kw.get("env", env), text=True)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, out


def run(cmd):
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uvicorn_alone():
    port = free_port()
    t = time.perf_counter()
    proc = subprocess.Popen([python, "-m", "uvicorn", "app.main:app", "--port", str(port)], cwd=a.sample,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=1) as r:
                if 200 <= r.status < 300:
                    break
        except OSError:
            time.sleep(0.005)
    wall = time.perf_counter() - t
    proc.terminate()
    proc.wait()
    return wall, 0.0, None


def start_with(launcher, name):
    def go():
        w, c, out = timed(launcher + ["start", "--state-dir", state, "--name", name, "--app", "app.main:app",
                                      "--dir", a.sample])
        if out.returncode != 0:
            sys.exit("start failed: " + out.stderr)
        run(launcher + ["stop", "--state-dir", state, name])
        return w, c, out
    return go


def bench(title, contenders):
    walls = {n: [] for n, _ in contenders}
    cpus = {n: [] for n, _ in contenders}
    for i in range(a.rounds):
        for n, fn in (contenders if i % 2 == 0 else contenders[::-1]):
            w, c, _ = fn() if callable(fn) else timed(fn)
            walls[n].append(w)
            cpus[n].append(c)
    print("\n" + title)
    print("| | median wall (s) | median CPU (s) |\n|---|---|---|")
    for n, _ in contenders:
        print("| %s | %.3f | %.3f |" % (n, statistics.median(walls[n]), statistics.median(cpus[n])))
    sys.stdout.flush()


with open("/proc/loadavg") as f:
    print("load before: " + f.read().strip() + "; cores: %d" % os.cpu_count())
floor = ["java", "-cp", hello_dir, "Hello"]
S = ["--state-dir", state]
try:
    bench("--help", [("floor: java Hello", floor), ("archive", archive + ["--help"]), ("jar", jar + ["--help"])])
    bench("a usage error (status --jsn)", [("floor: java Hello", floor), ("archive", archive + ["status", "--jsn"]),
                                             ("jar", jar + ["status", "--jsn"])])
    bench("a usage error (stpo, a typo of a command)", [("floor: java Hello", floor), ("archive", archive + ["stpo"]),
                                                        ("jar", jar + ["stpo"])])
    bench("status, none running", [("floor: java Hello", floor), ("archive", archive + ["status"] + S),
                                   ("jar", jar + ["status"] + S)])
    bench("stop, none running", [("floor: java Hello", floor), ("archive", archive + ["stop"] + S),
                                 ("jar", jar + ["stop"] + S)])
    urls = []
    for n in ("one", "two", "three"):
        out = run(archive + ["start", "--name", n, "--app", "app.main:app", "--dir", a.sample] + S)
        urls.append(out.stdout.strip().splitlines()[-1])
    port = urls[0].rsplit(":", 1)[1]
    bench("status, three running (each /health probed)", [("floor: java Hello", floor),
                                                          ("archive", archive + ["status"] + S),
                                                          ("jar", jar + ["status"] + S)])
    bench("who PORT, held by a backend", [("floor: ss -ltnp", ["ss", "-ltnp", "sport = :" + port]),
                                          ("floor: lsof -i :PORT", ["lsof", "-i", ":" + port]),
                                          ("archive", archive + ["who", port] + S),
                                          ("jar", jar + ["who", port] + S)])
    free = str(free_port())
    bench("who PORT, free", [("floor: ss -ltnp", ["ss", "-ltnp", "sport = :" + free]),
                             ("floor: lsof -i :PORT", ["lsof", "-i", ":" + free]),
                             ("archive", archive + ["who", free] + S), ("jar", jar + ["who", free] + S)])
    run(archive + ["stop", "--all"] + S)
    bench("stop, one running (start not timed; uvicorn's own exit included)", [
        ("archive", lambda: (run(archive + ["start", "--name", "s", "--app", "app.main:app", "--dir", a.sample] + S),
                             timed(archive + ["stop", "s"] + S))[1]),
        ("jar", lambda: (run(jar + ["start", "--name", "s", "--app", "app.main:app", "--dir", a.sample] + S),
                         timed(jar + ["stop", "s"] + S))[1])])
    bench("start: spawn to first 2xx (uvicorn alone) / to the URL printed (start)", [
        ("floor: uvicorn alone", uvicorn_alone), ("archive", start_with(archive, "a")), ("jar", start_with(jar, "j"))])
finally:
    run(archive + ["stop", "--all"] + S)
    with open("/proc/loadavg") as f:
        print("\nload after: " + f.read().strip())
    shutil.rmtree(work, ignore_errors=True)
