"""The rank a statement shows ("5 / 25"): the summary stage ranks the managers of each grading
unit by composite when the grading (grade bands) gives no rank. Property: in every unit the
ranks of the graded managers are 1..N exactly once, a better composite never ranks lower, ties
go by manager_id; excluded managers are not ranked and not counted."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from report_fixture import sample_run

from appraisal.summary import compute_summary

CONFIG = sample_run("zh").config  # grade bands, grading unit sub_branch


@st.composite
def managers(draw):
    n = draw(st.integers(1, 40))
    units = draw(st.lists(st.sampled_from(["S1", "S2", "S3"]), min_size=n, max_size=n))
    # few distinct values, so ties are common
    composite = draw(st.lists(st.sampled_from([60.0, 75.5, 80.0, 92.25, 110.0]),
                              min_size=n, max_size=n))
    excluded = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    order = draw(st.permutations(range(n)))
    return pd.DataFrame({
        "manager_id": [f"M{i:03d}" for i in order],
        "sub_branch": units,
        "composite": composite,
        "excluded": excluded,
        "rank_in_unit": pd.array([pd.NA] * n, dtype="Int64"),
    })


@settings(deadline=None)  # the whole summary stage runs per example
@given(managers())
def test_ranks_are_a_permutation_by_composite_in_each_unit(frame):
    ranks = compute_summary(frame, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
                            CONFIG).ranks
    joined = frame.assign(rank=ranks["rank_in_unit"].to_numpy(),
                          of=ranks["rank_of"].to_numpy(), unit=ranks["rank_unit"].to_numpy())
    assert joined.loc[joined["excluded"], "rank"].isna().all()
    graded = joined[~joined["excluded"]]
    for unit, group in graded.groupby("sub_branch"):
        assert set(group["unit"]) == {unit}
        assert sorted(group["rank"].astype(int)) == list(range(1, len(group) + 1))
        assert set(group["of"].astype(int)) == {len(group)}
        ordered = group.sort_values("rank")
        keys = list(zip(-ordered["composite"], ordered["manager_id"], strict=True))
        assert keys == sorted(keys)  # better composite first, then manager_id


def test_the_forced_distributions_own_rank_is_kept():
    frame = pd.DataFrame({"manager_id": ["A", "B", "C"], "sub_branch": ["S1"] * 3,
                          "composite": [90.0, 95.0, 80.0], "excluded": [False] * 3,
                          "rank_in_unit": pd.array([3, 1, 2], dtype="Int64")})
    ranks = compute_summary(frame, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
                            CONFIG).ranks
    assert list(ranks["rank_in_unit"]) == [3, 1, 2]
    assert list(ranks["rank_of"]) == [3, 3, 3]
    assert np.all(ranks["rank_unit"] == "S1")
