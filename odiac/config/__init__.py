"""The ``opendeploy.toml`` format (version 1): models, loading and diagnostics."""
