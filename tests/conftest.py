"""Test settings: property tests are derandomised in CI, so a red CI is never a dice roll."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", max_examples=500, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
elif os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


def require_component(name: str, available: bool, why: str) -> None:
    """Skip a test whose component (PostgreSQL, Java/Spark, LibreOffice) is missing, with the
    reason; under CI=true a missing component fails the run instead."""
    import pytest

    if available:
        return
    message = f"{name} is not available: {why}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI=true requires it)")
    pytest.skip(message)
