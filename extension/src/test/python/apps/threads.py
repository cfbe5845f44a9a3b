"""An app whose import starts a thread (a metrics poller, say): not safe to fork from."""
import threading
import time

from fastapi import FastAPI

threading.Thread(target=lambda: time.sleep(3600), name="poller", daemon=True).start()

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}
