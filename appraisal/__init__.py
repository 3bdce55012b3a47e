"""appraise: appraisal and bonus engine for bank customer managers.

    >>> import appraisal
    >>> result = appraisal.run("configs/example.yaml")        # doctest: +SKIP
    >>> result.managers[["manager_id", "composite", "grade", "bonus_final"]]  # doctest: +SKIP
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .pipeline import run
    from .report.writer import write_run
    from .result import RunResult

__all__ = ["RunResult", "__version__", "run", "write_run"]


def __getattr__(name: str) -> Any:
    # The pipeline pulls in numpy/pandas/scipy; import it on first use, not on `import appraisal`.
    if name == "run":
        from .pipeline import run

        return run
    if name == "RunResult":
        from .result import RunResult

        return RunResult
    if name == "write_run":
        from .report.writer import write_run

        return write_run
    raise AttributeError(f"module 'appraisal' has no attribute {name!r}")
