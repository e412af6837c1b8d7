"""odiac's built-in framework analyzers, one module per ecosystem.

Each module is registered under the ``odiac`` entry-point group, exactly as a
third-party analyzer would be, and can be blocked with ``ODIAC_DISABLE_PLUGINS``.
"""
