"""Scoring rules: hand-worked values and monotonicity / cap-floor properties.

Hand calculations are in the comments; tolerance 1e-9 unless stated.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.scoring import (
    clip_scores,
    direct_score,
    lower_better,
    percentile_rank,
    piecewise_breakpoints,
    piecewise_linear,
    ratio_to_target,
    scale_mapping,
)

TOL = 1e-9
FINITE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
PROPERTY = settings(max_examples=60, deadline=None)


def test_ratio_to_target_hand_worked():
    # 100·120/100 = 120; 100·0/50 = 0; negative target −20 000, actual −15 000:
    # 100 + 100·(−15 000 + 20 000)/20 000 = 125; target 0: actual > 0 → 150 (cap), 0 → 100, < 0 → 0
    got = ratio_to_target([120.0, 0.0, -15_000.0, 5.0, 0.0, -1.0],
                          [100.0, 50.0, -20_000.0, 0.0, 0.0, 0.0], zero_target_exceeded=150.0)
    np.testing.assert_allclose(got, [120.0, 0.0, 125.0, 150.0, 100.0, 0.0], atol=TOL)


def test_ratio_negative_target_equals_ratio_formula_for_positive_targets():
    # 100 + 100·(a − t)/|t| equals 100·a/t for t > 0: 100 + 100·(80 − 100)/100 = 80
    assert ratio_to_target([80.0], [100.0], zero_target_exceeded=150.0)[0] == pytest.approx(80.0)


def test_lower_better_hand_worked():
    # NPL target 2 %: actual 1 % → 100·2/1 = 200; 2.5 % → 80; 0 % → the score at zero (cap 150)
    got = lower_better([1.0, 2.5, 0.0], [2.0, 2.0, 2.0], zero_actual_score=150.0)
    np.testing.assert_allclose(got, [200.0, 80.0, 150.0], atol=TOL)


def test_lower_better_rejects_negative_target():
    with pytest.raises(ValueError, match="targets >= 0"):
        lower_better([1.0], [-1.0], zero_actual_score=150.0)


def test_piecewise_npl_example_of_the_issue():
    # 0 NPL → 120 (absolute point), at target (2 %) → 100, each 0.1 pp worse → −5:
    # 1 % → 120 − 20·1/2 = 110; 2.3 % → 100 − 5·3 = 85 (extrapolated); 0 % → 120; 2 % → 100
    points = piecewise_breakpoints([2.0] * 4, [0.0, 0.0, 0.1], [False, True, True])
    got = piecewise_linear([1.0, 2.3, 0.0, 2.0], points, [120.0, 100.0, 95.0], extrapolate=True)
    np.testing.assert_allclose(got, [110.0, 85.0, 120.0, 100.0], atol=TOL)


def test_piecewise_holds_end_scores_without_extrapolation():
    # points (0 → 0), (10 → 5): 12 years → 5 (held), −1 → 0 (held), 4 → 2
    points = piecewise_breakpoints([0.0] * 3, [0.0, 10.0], [False, False])
    got = piecewise_linear([12.0, -1.0, 4.0], points, [0.0, 5.0], extrapolate=False)
    np.testing.assert_allclose(got, [5.0, 0.0, 2.0], atol=TOL)


def test_piecewise_step_takes_the_later_point():
    # target 0 puts (0 abs → 120) and (target+0 → 100) on the same x: the later point applies
    points = piecewise_breakpoints([0.0], [0.0, 0.0, 0.1], [False, True, True])
    got = piecewise_linear([0.0], points, [120.0, 100.0, 95.0], extrapolate=True)
    assert got[0] == pytest.approx(100.0)


def test_piecewise_rejects_unordered_breakpoints():
    with pytest.raises(ValueError, match="non-decreasing"):
        piecewise_linear([1.0], np.array([[2.0, 1.0]]), [0.0, 1.0], extrapolate=True)


def test_scale_mapping_hand_worked():
    # 1–5 onto 0–100: 1 → 0, 3 → 50, 4.5 → 87.5, 5 → 100
    got = scale_mapping([1.0, 3.0, 4.5, 5.0], low=1.0, high=5.0)
    np.testing.assert_allclose(got, [0.0, 50.0, 87.5, 100.0], atol=TOL)


def test_percentile_rank_hand_worked_with_ties():
    # group T1: 2, 5, 2 → average ranks 1.5, 3, 1.5 → 100·(r−1)/2 = 25, 100, 25;
    # group T2 has one member → single_member_score 100
    got = percentile_rank([2.0, 5.0, 2.0, 7.0], ["T1", "T1", "T1", "T2"])
    np.testing.assert_allclose(got, [25.0, 100.0, 25.0, 100.0], atol=TOL)


def test_percentile_rank_lower_is_better():
    # 1 (best), 3, 2 → ranks of the negated values: 3, 1, 2 → 100, 0, 50
    got = percentile_rank([1.0, 3.0, 2.0], ["g"] * 3, higher_is_better=False)
    np.testing.assert_allclose(got, [100.0, 0.0, 50.0], atol=TOL)


def test_direct_score_and_nan_rejected():
    np.testing.assert_allclose(direct_score([88.0]), [88.0])
    with pytest.raises(ValueError, match="finite"):
        direct_score([np.nan])


def test_clip_scores_flags():
    score, capped, floored = clip_scores([200.0, -20.0, 90.0], cap=150.0, floor=0.0)
    np.testing.assert_allclose(score, [150.0, 0.0, 90.0])
    assert capped.tolist() == [True, False, False]
    assert floored.tolist() == [False, True, False]


# ----------------------------------------------------------------------------- properties

@PROPERTY
@given(a1=FINITE, a2=FINITE, target=FINITE)
def test_ratio_better_actual_never_lowers_score(a1, a2, target):
    low, high = sorted((a1, a2))
    s = ratio_to_target([low, high], [target, target], zero_target_exceeded=150.0)
    assert s[0] <= s[1] + 1e-9


@PROPERTY
@given(a1=FINITE, a2=FINITE, target=st.floats(0.0, 1e3), cap=st.floats(1.0, 500.0))
def test_lower_better_lower_actual_never_lowers_capped_score(a1, a2, target, cap):
    low, high = sorted((a1, a2))
    raw = lower_better([low, high], [target, target], zero_actual_score=cap)
    score, _, _ = clip_scores(raw, cap=cap, floor=0.0)
    assert score[0] >= score[1] - 1e-9


@st.composite
def monotone_tables(draw):
    n = draw(st.integers(2, 5))
    xs = sorted(draw(st.lists(st.floats(-100, 100), min_size=n, max_size=n)))
    scores = sorted(draw(st.lists(st.floats(-200, 200), min_size=n, max_size=n)))
    return xs, scores


@PROPERTY
@given(table=monotone_tables(), a1=FINITE, a2=FINITE, target=st.floats(-50, 50),
       extrapolate=st.booleans(), lower=st.booleans())
def test_piecewise_better_actual_never_lowers_score(table, a1, a2, target, extrapolate, lower):
    xs, scores = table
    if lower:
        scores = scores[::-1]
    low, high = sorted((a1, a2))
    points = piecewise_breakpoints([target, target], xs, [True] * len(xs))
    s = piecewise_linear([low, high], points, scores, extrapolate=extrapolate)
    if lower:
        assert s[0] >= s[1] - 1e-6
    else:
        assert s[0] <= s[1] + 1e-6


@PROPERTY
@given(a1=st.floats(1, 5), a2=st.floats(1, 5))
def test_scale_better_rating_never_lowers_score(a1, a2):
    low, high = sorted((a1, a2))
    s = scale_mapping([low, high], low=1.0, high=5.0)
    assert s[0] <= s[1] and 0.0 <= s[0] <= 100.0 and 0.0 <= s[1] <= 100.0


@PROPERTY
@given(values=st.lists(st.floats(-100, 100), min_size=1, max_size=8), who=st.integers(0, 7),
       gain=st.floats(0, 50))
def test_percentile_better_result_never_lowers_own_score(values, who, gain):
    who %= len(values)
    groups = ["g"] * len(values)
    before = percentile_rank(values, groups)[who]
    improved = list(values)
    improved[who] += gain
    after = percentile_rank(improved, groups)[who]
    assert after >= before - 1e-9
    assert 0.0 <= after <= 100.0


@PROPERTY
@given(values=st.lists(FINITE, min_size=1, max_size=10), cap=st.floats(0, 300),
       floor=st.floats(-100, 0))
def test_caps_and_floors_hold(values, cap, floor):
    score, capped, floored = clip_scores(values, cap=cap, floor=floor)
    assert (score <= cap).all() and (score >= floor).all()
    assert (capped == (np.asarray(values) > cap)).all()
    assert (floored == (np.asarray(values) < floor)).all()


def test_piecewise_segment_of_subnormal_width_gives_no_nan():
    # Found by hypothesis: breakpoints 0 and 5e-324 made the slope overflow and 0·inf = NaN.
    points = piecewise_breakpoints([0.0, 0.0], [0.0, 5e-324], [True, True])
    for extrapolate in (False, True):
        scores = piecewise_linear([0.0, 0.0], points, [0.0, 1.0], extrapolate=extrapolate)
        assert np.isfinite(scores).all()
        assert scores.tolist() == [0.0, 0.0]
