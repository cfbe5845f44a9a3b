"""A healthy app: /health answers 200, / echoes the pid and an env var."""
import os

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/")
def root():
    return {"pid": os.getpid(), "greeting": os.environ.get("GREETING", "")}
