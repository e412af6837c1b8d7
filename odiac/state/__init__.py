"""Live state: everything the planner needs, read from the gateway in few round trips.

:func:`odiac.state.refresh.refresh` reads the project named in ``opendeploy.toml``
with concurrent requests and returns :class:`odiac.plan.inputs.LiveState`;
:mod:`odiac.state.checks` runs the plan-time checks that would otherwise fail
half-way through an apply (subdomain availability, pending-agent caps and the
one-project rule).
"""
