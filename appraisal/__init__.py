"""appraise: appraisal and bonus engine for bank customer managers."""

from ._version import __version__

__all__ = ["__version__"]
