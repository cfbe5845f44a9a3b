"""A small FastAPI app for managed-backend's integration tests.

Run it with ``uvicorn app.main:app`` from the ``sample-fastapi`` directory.

It deliberately sticks to APIs that behave the same on the old stack
(fastapi 0.92, pydantic 1, uvicorn 0.17 from Debian bookworm) and on the new
one (fastapi 0.11x+, pydantic 2, uvicorn 0.3x+): a plain BaseModel, no
``.dict()``/``.model_dump()``, no lifespan/on_event hooks.
"""

import os
import threading
from typing import Dict, List, Optional

from fastapi import FastAPI, HTTPException, Response
from pydantic import BaseModel

app = FastAPI(title="sample-fastapi")


class ItemIn(BaseModel):
    name: str
    price: float


class Item(BaseModel):
    id: int
    name: str
    price: float


class EnvValue(BaseModel):
    key: str
    value: Optional[str] = None


# In-memory store. Endpoints are plain ``def`` (run in a thread pool), so guard it.
_lock = threading.Lock()
_items: Dict[int, Item] = {}
_next_id = 1


@app.get("/health")
def health() -> Dict[str, str]:
    return {"status": "ok"}


@app.get("/items", response_model=List[Item])
def list_items() -> List[Item]:
    with _lock:
        return [_items[k] for k in sorted(_items)]


@app.post("/items", response_model=Item, status_code=201)
def create_item(body: ItemIn) -> Item:
    global _next_id
    with _lock:
        item = Item(id=_next_id, name=body.name, price=body.price)
        _items[item.id] = item
        _next_id += 1
    return item


@app.get("/items/{item_id}", response_model=Item)
def get_item(item_id: int) -> Item:
    with _lock:
        item = _items.get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="item %d not found" % item_id)
    return item


@app.delete("/items/{item_id}", status_code=204, response_class=Response)
def delete_item(item_id: int) -> Response:
    with _lock:
        removed = _items.pop(item_id, None)
    if removed is None:
        raise HTTPException(status_code=404, detail="item %d not found" % item_id)
    return Response(status_code=204)


@app.get("/env/{key}", response_model=EnvValue)
def read_env(key: str) -> EnvValue:
    return EnvValue(key=key, value=os.environ.get(key))


@app.get("/pid")
def pid() -> Dict[str, int]:
    return {"pid": os.getpid()}
