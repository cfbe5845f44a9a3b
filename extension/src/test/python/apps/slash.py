"""An app whose health route ends in a slash: FastAPI answers GET /health with a 307 to /health/."""
from fastapi import FastAPI

app = FastAPI()


@app.get("/health/")
def health():
    return {"status": "ok"}


@app.get("/elsewhere")
def elsewhere():
    """Redirects to another origin: a readiness probe must not follow it."""
    from fastapi.responses import RedirectResponse

    return RedirectResponse("http://example.invalid/health")
