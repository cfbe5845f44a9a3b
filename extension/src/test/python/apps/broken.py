"""An app that cannot be imported: its traceback must reach the failure message."""
import module_that_does_not_exist  # noqa: F401

from fastapi import FastAPI

app = FastAPI()
