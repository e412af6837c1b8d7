"""Lets ``pytest examples/plugin-hello/tests`` import ``odiac_hello`` from any folder.

pytest puts the folder of this file on ``sys.path`` before it collects the tests,
so they run against this checkout even when the package is not installed.
"""
