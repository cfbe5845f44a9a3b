"""Runs, but GET /health always fails with 500."""
from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()


@app.get("/health")
def health():
    return JSONResponse({"status": "database unreachable"}, status_code=500)
