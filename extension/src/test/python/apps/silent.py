"""An app that listens but whose health check never answers."""
import asyncio

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health():
    await asyncio.sleep(3600)
