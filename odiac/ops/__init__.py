"""Day-2 operations: the logic behind ``status``, ``logs``, ``rollback``, ``cancel``,
``redeploy`` and ``import``.

The CLI commands (``odiac/cli/<command>.py``) parse options, ask, and print; the
modules here read and change the live project through the gateway client only,
and never print or prompt (questions reach the caller through callbacks).

* :mod:`odiac.ops.lookup`: find the project, a service and its deployments by name;
  deployment identity (source digest) and ages.
* :mod:`odiac.ops.status`: gather per-service status into plain data.
* :mod:`odiac.ops.logs`: one-shot and streamed deployment logs, filters, durations.
* :mod:`odiac.ops.deploys`: rollback target selection, cancel, redeploy, watching.
* :mod:`odiac.ops.importer`: a live project as an ``opendeploy.toml`` document
  (:mod:`odiac.ops.import_names` names its dependencies and secret variables).
"""
