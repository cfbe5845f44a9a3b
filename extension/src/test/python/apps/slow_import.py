"""A healthy app that takes about 2 s to import, as one that loads an ORM, pandas or a model at
import does (for the reuse benchmark)."""
import time

from fastapi import FastAPI

time.sleep(2)

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}
