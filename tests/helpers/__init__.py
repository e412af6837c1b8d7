"""Importable helpers shared by test folders (tests/ is put on sys.path by tests/e2e/conftest.py)."""
