"""An app that tells its environment: /env/NAME answers the value of NAME, or null."""
import os

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/env/{name}")
def env(name: str):
    return {"name": name, "value": os.environ.get(name)}
