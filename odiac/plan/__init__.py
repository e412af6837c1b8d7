"""The planner: desired state x live state -> a frozen, versioned :class:`Plan`.

Pure data and pure functions: nothing here does I/O except :mod:`odiac.plan.planfile`,
which reads and writes a plan file.
"""
