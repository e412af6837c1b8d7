"""odiac: Infrastructure-as-Code for the OpenDeploy platform.

Keep this module import-free: ``odiac --version`` must start fast.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
