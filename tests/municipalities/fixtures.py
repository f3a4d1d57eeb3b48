"""Municipality fixtures shared by every app's tests (registered from tests/conftest.py)."""
