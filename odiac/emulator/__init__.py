"""A local OpenDeploy gateway: the API of the gateway API, in SQLite.

Use it in-process::

    import httpx
    from odiac.emulator import create_app

    app = create_app()  # or create_app("state.db") to persist
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://gw.test")

or serve it with ``odiac emulator serve``. The test control surface lives at
``/_emulator/*`` (see docs/emulator.md).
"""

from __future__ import annotations

from odiac.emulator.app import create_app

__all__ = ["create_app"]
