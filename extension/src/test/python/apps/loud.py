"""An app that prints 400 KiB while it is imported, numbered lines of 1 KiB: more than prefork
copies into each backend's log."""
from fastapi import FastAPI

for line in range(400):
    print(("loud line %03d " % line).ljust(1023, "."))

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}
