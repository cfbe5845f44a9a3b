"""Sample FastAPI application used by the managed-backend integration tests."""
