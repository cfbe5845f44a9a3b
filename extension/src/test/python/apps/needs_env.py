"""An app that reads a required variable at import: without it, the import fails with a KeyError."""
import os

from fastapi import FastAPI

TOKEN = os.environ["NEEDS_ENV_TOKEN"]

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}
