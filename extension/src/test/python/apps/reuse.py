"""An app for the pid-reuse test: before the template forks, if the file named by NEXT_PID_FILE
exists, its number goes to /proc/sys/kernel/ns_last_pid (root only), so that the kernel gives
the child the pid after it: the pid of an earlier child, as it would after the pid space
wrapped. The file is used once."""
import os

from fastapi import FastAPI


def wish_for_pid():
    path = os.environ.get("NEXT_PID_FILE")
    if not path or not os.path.exists(path):
        return
    with open(path) as f:
        last = f.read().strip()
    os.remove(path)
    with open("/proc/sys/kernel/ns_last_pid", "w") as f:
        f.write(last)


os.register_at_fork(before=wish_for_pid)

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok", "pid": os.getpid()}
