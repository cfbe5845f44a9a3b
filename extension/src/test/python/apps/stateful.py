"""An app with module-level state, for prefork: POST /items adds to a module-level list that
GET /items lists, so a backend that sees another's items shares its state. / tells the pid, the
parent pid and PORT; startup and shutdown print a line with the pid, so each backend's log
shows that its own lifespan ran."""
import os

from fastapi import FastAPI

ITEMS = []


def startup():
    print("lifespan startup in pid %d" % os.getpid(), flush=True)


def shutdown():
    print("lifespan shutdown in pid %d" % os.getpid(), flush=True)


# on_startup/on_shutdown: fastapi 0.92 (Debian's) has no lifespan= yet
app = FastAPI(on_startup=[startup], on_shutdown=[shutdown])


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/")
def root():
    return {"pid": os.getpid(), "ppid": os.getppid(), "port": os.environ.get("PORT")}


@app.get("/items")
def items():
    return ITEMS


@app.post("/items/{name}")
def add(name: str):
    ITEMS.append(name)
    return ITEMS


@app.get("/versions")
def versions():
    import fastapi
    import uvicorn

    return {"uvicorn": uvicorn.__version__, "fastapi": fastapi.__version__}
