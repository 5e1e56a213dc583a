"""Test harness: real Jupyter servers, Chromium pages, nbclient runs and a secret scanner.

Modules: `jupyter_server` (start/stop JupyterLab 4, Notebook 7 or Voila), `browser`
(Playwright on Debian's chromium), `notebooks` (write and execute notebooks with nbclient),
`secrets_scan` (find secrets and their base64 forms), `pytest_support` (behind the fixtures
in tests/conftest.py). Nothing is imported here: nbformat/jsonschema and playwright are
slow to import, and every test session loads tests/conftest.py.
"""
