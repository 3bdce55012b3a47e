"""Published AHP cases not covered elsewhere, and the AIJ = AIP identity of the row geometric
mean (combining experts' matrices cell by cell gives the weighted geometric mean of their
weights). Tolerances: the published figures' own rounding (3 decimals: 5e-4; 2: 5e-3).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal import ahp

# Saaty (1980) The Analytic Hierarchy Process, §2 "relative wealth of nations": US, USSR,
# China, France, UK, Japan, W. Germany; eigenvector 0.427 0.230 0.021 0.052 0.052 0.123 0.094,
# λmax 7.61, CI 0.10, CR 0.08.
WEALTH = [[1, 4, 9, 6, 6, 5, 5], [1 / 4, 1, 7, 5, 5, 3, 4],
          [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5], [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
          [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3], [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
          [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1]]
# "Choosing a leader" (the AHP example of the English Wikipedia, criteria level): experience,
# education, charisma, age; 0.547 0.127 0.270 0.056 (eigenvector 0.5476: 1e-3), CR 0.044.
LEADER = [[1, 4, 3, 7], [1 / 4, 1, 1 / 3, 3], [1 / 3, 3, 1, 5], [1 / 7, 1 / 3, 1 / 5, 1]]


def test_saaty_1980_wealth_of_nations() -> None:
    result = ahp.analyse_matrix(WEALTH, method="eigenvector")
    published = [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]
    assert np.allclose(result.weights, published, atol=5e-4)
    assert result.lambda_max == pytest.approx(7.61, abs=5e-3)
    assert result.consistency_index == pytest.approx(0.10, abs=5e-3)
    assert result.consistency_ratio == pytest.approx(0.08, abs=5e-3)
    assert result.consistent


def test_wikipedia_leader_criteria() -> None:
    result = ahp.analyse_matrix(LEADER, method="eigenvector")
    assert np.allclose(result.weights, [0.547, 0.127, 0.270, 0.056], atol=1e-3)
    assert result.consistency_ratio == pytest.approx(0.044, abs=5e-4)


@pytest.mark.parametrize("method", ["geometric_mean", "eigenvector"])
def test_a_consistent_matrix_gives_its_ratios_and_lambda_n(method: str) -> None:
    result = ahp.analyse_matrix([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]], method=method)
    assert np.allclose(result.weights, [4 / 7, 2 / 7, 1 / 7], atol=1e-12)
    assert result.lambda_max == pytest.approx(3.0, abs=1e-12)
    assert abs(result.consistency_ratio) < 1e-12


def test_saaty_2005_random_index_for_n_1_to_15() -> None:
    published = [0, 0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58,
                 1.59]
    assert [ahp.random_index(n, "saaty_2005") for n in range(1, 16)] == published


_SCALE = st.sampled_from(ahp.SAATY_SCALE)


@st.composite
def _experts(draw: st.DrawFn) -> tuple[list[np.ndarray], list[float]]:
    n = draw(st.integers(3, 7))
    count = draw(st.integers(2, 5))
    matrices = []
    for _ in range(count):
        a = np.ones((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                a[i, j] = draw(_SCALE)
                a[j, i] = 1 / a[i, j]
        matrices.append(a)
    weights = draw(st.lists(st.floats(0.1, 10), min_size=count, max_size=count))
    return matrices, weights


@settings(max_examples=80, deadline=None)
@given(_experts())
def test_combined_judgments_give_the_geometric_mean_of_the_experts_weights(
    experts: tuple[list[np.ndarray], list[float]],
) -> None:
    matrices, weights = experts
    combined = ahp.combine_judgments(matrices, weights)
    assert np.allclose(combined * combined.T, 1.0, atol=1e-12)  # still reciprocal
    w = ahp.priority_vector(combined, "geometric_mean")
    share = np.asarray(weights) / np.sum(weights)
    each = np.array([ahp.priority_vector(m, "geometric_mean") for m in matrices])
    expected = np.exp(share @ np.log(each))
    assert np.allclose(w, expected / expected.sum(), atol=1e-12)
