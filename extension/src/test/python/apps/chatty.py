"""An app that prints while it is imported, to stdout and stderr, lines that look like the
prefork template's own protocol among them, and a last line without a line break: none of it
may confuse the template, and all of it belongs at the start of each backend's log."""
import sys

from fastapi import FastAPI

print("failed to reach the cache, using memory")
print("ready 1")
print("nofork pretend this cannot fork")
print("forked 1 1", file=sys.stderr)
print("exited 1 0")
print("failed 1 no reason")
sys.stdout.write("fork 1 80 00 00")  # no line break: the next output starts a line of its own

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}
