"""The ``opendeploy.toml`` format (version 1): models, loading and diagnostics.

* :mod:`~odiac.config.loader` - ``load_config()``: read, parse, validate, locate.
* :mod:`~odiac.config.model` - the pydantic models (field names are the file's keys).
* :mod:`~odiac.config.rules` / :mod:`~odiac.config.checks` - single-value and cross-key rules.
* :mod:`~odiac.config.diagnostics` - ``Diagnostic``: file, line, column, key path, message.
* :mod:`~odiac.config.sensitive` - ``is_sensitive_key()`` (gateway-api 9.5).
* :mod:`~odiac.config.schema` - the JSON Schema editors use (``odiac schema``).
"""
