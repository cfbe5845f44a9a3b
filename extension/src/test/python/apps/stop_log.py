"""Writes "start NAME" and "stop NAME" to the file $STOP_LOG from its lifespan: the order in which
backends started and stopped, seen from the backends themselves."""
import os

from fastapi import FastAPI

app = FastAPI()


def _record(event):
    with open(os.environ["STOP_LOG"], "a", encoding="utf-8") as log:
        log.write(event + " " + os.environ["BACKEND_NAME"] + "\n")


@app.on_event("startup")
def started():
    _record("start")


@app.on_event("shutdown")
def stopping():
    _record("stop")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/env/{key}")
def env(key: str):
    return {"value": os.environ.get(key)}
