"""An app whose first import waits: the first process to import it (the prefork template)
creates PREFORK_GATE/first and waits until PREFORK_GATE/open exists (at most 120 s), like an
import that is slow only once (a cold disk cache, a busy machine). Every later import, a cold
start's included, goes on at once."""
import os
import time

from fastapi import FastAPI

GATE = os.environ["PREFORK_GATE"]
try:
    os.close(os.open(os.path.join(GATE, "first"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    first = True
except FileExistsError:
    first = False
if first:
    deadline = time.monotonic() + 120
    while not os.path.exists(os.path.join(GATE, "open")) and time.monotonic() < deadline:
        time.sleep(0.05)

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok", "pid": os.getpid(), "ppid": os.getppid()}
