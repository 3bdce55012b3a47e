"""A negative retro adjustment together with deferred pay never takes a month below zero.

Hand-worked (the team of tests/test_bonus.py, per-person base, deferral share 0.4, 2026-10):
M1's gross is 13,200.00 (capped? no limits here: 0.6×10000×1.2 + 0.4×10000×1.5 = 13,200.00).
A revised earlier month owes back 10,000,000.00 (`retro_due`, not_below_zero). 40% of the
month's performance pay is deferred: 5,280.00, so only 7,920.00 is paid now; the retro
recovers 7,920.00 and carries the rest. Before the fix it recovered 13,200.00 and the final
bonus was −5,280.00.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bonus import PERIOD, config, team

from appraisal.bonus import compute_bonus
from appraisal.config.deferral import ClawbackConfig, DeferralConfig
from appraisal.deferral import DeferralInputs

BASES = {"funding": {"base_by_job_level": {"junior": 6000, "senior": 8000}}}


def _inputs(share: float, released: list[int], receivable: list[int],
            cap_share: float = 1.0) -> DeferralInputs:
    ids = pd.Index(["M1", "M2", "M3", "M4"], name="manager_id")
    deferral = DeferralConfig.model_validate(
        {"groups": [{"id": "g", "managers": list(ids), "share": share, "years": 3}]})
    return DeferralInputs(
        groups=pd.Series("g", index=ids), released=pd.Series(released, index=ids),
        receivable=pd.Series(receivable, index=ids), config=deferral,
        clawback=ClawbackConfig.model_validate({"cap_share_per_period": cap_share}))


def _run(retro: list[int], inputs: DeferralInputs) -> pd.DataFrame:
    managers, card, rorac = team()
    due = pd.Series(retro, index=pd.Index(["M1", "M2", "M3", "M4"], name="manager_id"))
    return compute_bonus(managers, card, rorac, config(**BASES), PERIOD, retro_due=due,
                         deferral=inputs).managers.set_index("manager_id")


def test_retro_recovery_leaves_room_for_the_deferred_part() -> None:
    out = _run([-1_000_000_000, -100_000, 0, 5_000], _inputs(0.4, [0] * 4, [0] * 4))
    m1 = out.loc["M1"]
    assert m1["bonus_gross"] == 1_320_000
    assert m1["deferred"] == 528_000
    assert m1["retro_adjustment"] == -792_000       # 13,200.00 − 5,280.00 paid now
    assert m1["retro_carried"] == -1_000_000_000 + 792_000
    assert m1["bonus_final"] == 0
    # a recovery the month can carry is applied in full, as before
    assert out.loc["M2", "retro_adjustment"] == -100_000
    assert out.loc["M2", "bonus_final"] == 576_000 - 230_400 - 100_000


def test_released_tranches_still_count_as_pay_now() -> None:
    # M1: gross 13,200.00, deferred 5,280.00, released 6,000.00: paid now before the retro
    # 13,920.00, but the retro was recovered from the month's own pay (13,200.00) before the
    # fix too, which stays the limit
    out = _run([-2_000_000, 0, 0, 0], _inputs(0.4, [600_000, 0, 0, 0], [0] * 4))
    assert out.loc["M1", "retro_adjustment"] == -1_320_000
    assert out.loc["M1", "bonus_final"] == 1_320_000 - 1_320_000 - 528_000 + 600_000


def test_full_deferral_leaves_nothing_to_recover_now() -> None:
    out = _run([-50_000, -50_000, -50_000, -50_000], _inputs(1.0, [0] * 4, [0] * 4))
    assert (out["retro_adjustment"] == 0).all()
    assert (out["retro_carried"] == -50_000).all()
    assert (out["bonus_final"] == 0).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    retro=st.lists(st.integers(-5_000_000, 1_000_000), min_size=4, max_size=4),
    share=st.sampled_from([0.0, 0.25, 0.4, 0.5, 0.6, 1.0]),
    released=st.lists(st.integers(0, 1_000_000), min_size=4, max_size=4),
    receivable=st.lists(st.integers(0, 3_000_000), min_size=4, max_size=4),
    cap_share=st.sampled_from([0.25, 0.5, 1.0]),
)
def test_final_never_below_zero_and_retro_reconciles(
    retro: list[int], share: float, released: list[int], receivable: list[int],
    cap_share: float,
) -> None:
    out = _run(retro, _inputs(share, released, receivable, cap_share))
    assert (out["bonus_final"] >= 0).all()
    assert (out["retro_adjustment"] + out["retro_carried"] == out["retro_due"]).all()
    pay = out["bonus_gross"] - out["withheld"] + out["pool_allocation"] + out["pool_redistributed"]
    expected = (pay + out["retro_adjustment"] - out["deferred"] + out["released"]
                - out["clawback_recovered"])
    assert (out["bonus_final"] == expected).all()
    # a positive retro is paid in full; a negative one recovers at most what is due
    positive = out["retro_due"] > 0
    assert (out.loc[positive, "retro_adjustment"] == out.loc[positive, "retro_due"]).all()
    assert np.all(out["retro_adjustment"].to_numpy() >= np.minimum(out["retro_due"], 0))
