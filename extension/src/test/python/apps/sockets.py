"""An app whose import opens a socket (a database connection, say): not safe to fork from."""
import socket

from fastapi import FastAPI

CONNECTION = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}
