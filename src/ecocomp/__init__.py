"""ecocomp: money flows of Jiangsu and Suzhou environmental-fiscal policies, exact to the fen."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ecocomp")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
