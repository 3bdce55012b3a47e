"""Deferral math (appraisal.deferral) and its config: hand-worked examples, config errors and
hypothesis properties (tranches add up, equal within a cent, never front-loaded; granted =
released + unreleased + forfeited + stopped)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from appraisal.config.deferral import ClawbackConfig, DeferralConfig, DeferralGroup
from appraisal.deferral import (
    add_months,
    annual_actuals,
    apply_clawback,
    check_identity,
    claim_cents,
    deferral_groups,
    deferred_cents,
    forfeit_leavers,
    grant_tranches,
    leaver_treatment,
    recovery_cents,
    release_due,
    schedule_cents,
    true_up,
    unreleased,
)


def _config(**group: object) -> DeferralConfig:
    spec = {"id": "risk", "roster_flag": "risk_relevant", "risk_relevant": True,
            "share": 0.4, "years": 3, **group}
    return DeferralConfig(groups=(DeferralGroup(**spec),))


# ---------------------------------------------------------------- hand-worked examples


def test_worked_example_of_docs() -> None:
    """docs/deferral.md: pay 12,345.67 yuan, 40% deferred over 3 years."""
    config = _config()
    deferred = deferred_cents([1_234_567], ["risk"], config)
    assert deferred.tolist() == [493_827]  # 0.4 × 1,234,567 = 493,826.8 → 493,827
    tranches = schedule_cents(deferred, config.groups[0].weights)
    # 493,827 / 3 = 164,609 rest 0 → three equal tranches
    assert tranches.tolist() == [[164_609, 164_609, 164_609]]
    # 100.00 yuan over 3: 3,333 + 3,333 + 3,334? no: the EARLIER tranche takes the cent
    assert schedule_cents([10_000], (1, 1, 1)).tolist() == [[3_334, 3_333, 3_333]]
    assert schedule_cents([10_001], (1, 1, 1)).tolist() == [[3_334, 3_334, 3_333]]


def test_worked_example_of_docs_deferral_md() -> None:
    """docs/deferral.md, by hand: March 2026 pay 19,000.00; released March 2027; clawback of
    the whole March pay in September 2027; recovery at most half a month's pay."""
    config = _config()
    deferred = deferred_cents([1_900_000], ["risk"], config)
    assert deferred.tolist() == [760_000]
    grants = pd.DataFrame({"manager_id": ["M0001"], "grant_period": ["2026-03"],
                           "group": ["risk"], "amount": deferred})
    tranches = grant_tranches(grants, config)
    assert tranches["amount"].tolist() == [253_334, 253_333, 253_333]
    assert tranches["due_period"].tolist() == ["2027-03", "2028-03", "2029-03"]
    state, releases = release_due(tranches, "2027-03")
    assert releases["amount"].tolist() == [253_334]
    claim = claim_cents([np.nan], [1.0], [1_900_000])
    assert claim.tolist() == [1_900_000]
    events = pd.DataFrame({"event_id": ["CB-2027-09"], "manager_id": ["M0001"],
                           "periods": [("2026-03",)], "claim": claim})
    state, stops, receivables = apply_clawback(state, events)
    assert stops["amount"].tolist() == [253_333, 253_333]
    assert receivables["receivable"].tolist() == [1_393_334]
    cap = ClawbackConfig(cap_share_per_period=0.5)
    balance = 1_393_334
    for pay, expected in ((1_000_000, 500_000), (900_001, 450_000), (1_200_000, 443_334)):
        recovered = int(recovery_cents([balance], [pay], cap)[0])
        assert recovered == expected
        balance -= recovered
    assert balance == 0
    table = check_identity(grants, state).iloc[0]
    assert (table["granted"], table["released"], table["stopped"]) == (760_000, 253_334,
                                                                      506_666)


def test_half_cent_deferral_rounds_half_away() -> None:
    config = _config(share=0.5, risk_relevant=False, years=1)
    assert deferred_cents([1, 3, -5, 0], ["risk"] * 4, config).tolist() == [1, 2, 0, 0]


def test_rising_schedule_uses_largest_remainder() -> None:
    # weights 1:2:3 of 100.00 → 1,666.67 / 3,333.33 / 5,000 → floors 1,666 3,333 5,000, one
    # cent missing goes to the largest remainder (tranche 1: 4/6 vs 2/6)
    assert schedule_cents([10_000], (1, 2, 3)).tolist() == [[1_667, 3_333, 5_000]]


def test_due_periods_and_grant_tranches() -> None:
    assert add_months(["2026-11", "2026-Q4", "2026", "2026-H1"], [2, 12, 1, 0]).tolist() == [
        "2027-01", "2027-12", "2027-01", "2026-06"]
    grants = pd.DataFrame({"manager_id": ["M1"], "grant_period": ["2026-03"],
                           "group": ["risk"], "amount": [10_000]})
    tranches = grant_tranches(grants, _config())
    assert tranches["due_period"].tolist() == ["2027-03", "2028-03", "2029-03"]
    assert tranches["amount"].tolist() == [3_334, 3_333, 3_333]
    state, releases = release_due(tranches, "2027-02")
    assert releases.empty
    state, releases = release_due(state, "2027-03")
    assert releases["amount"].tolist() == [3_334]
    assert unreleased(state).tolist() == [0, 3_333, 3_333]


def test_groups_by_level_flag_and_list() -> None:
    roster = pd.DataFrame({"manager_id": ["M1", "M2", "M3", "M4"],
                           "job_level": ["P5", "P3", "P3", "P3"],
                           "risk_relevant": ["是", "no", None, "false"]})
    config = DeferralConfig(groups=(
        DeferralGroup(id="senior", job_levels=("P5",), share=0.6, years=3,
                      senior_management=True, risk_relevant=True),
        DeferralGroup(id="risk", roster_flag="risk_relevant", share=0.4, years=3,
                      risk_relevant=True),
        DeferralGroup(id="named", managers=("M3",), share=0.2, years=2),
    ))
    assert deferral_groups(roster, config).tolist() == ["senior", "", "named", ""]
    with pytest.raises(KeyError, match="risk_relevant"):
        deferral_groups(roster.drop(columns="risk_relevant"), config)


# ---------------------------------------------------------------- config errors


@pytest.mark.parametrize(("group", "message"), [
    ({"share": 0.3}, "share must be at least 40%"),
    ({"years": 2}, "years must be at least 3"),
    ({"schedule": (2, 1, 1)}, "front-loaded"),
    ({"schedule": (1, 1)}, "2 weights for 3 years"),
    ({"senior_management": True, "share": 0.5}, "more than 50%"),
    ({"roster_flag": None}, "names nobody"),
])
def test_config_errors(group: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _config(**group)


def test_justification_allows_a_lower_share_and_is_recorded() -> None:
    config = _config(share=0.3, justification="board resolution 2026-07")
    assert config.justifications() == {"risk": "board resolution 2026-07"}


def test_config_file_errors_name_the_key(tmp_path) -> None:
    from example_config import example_raw

    from appraisal.config import parse_config
    from appraisal.errors import ConfigError

    raw = example_raw()
    raw["deferral"] = {"groups": [{"id": "risk", "roster_flag": "risk_relevant",
                                   "risk_relevant": True, "share": 0.3, "years": 3}]}
    raw["history"] = {"url": str(tmp_path / "h.sqlite")}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, "config.yaml")
    text = str(caught.value)
    assert "deferral.groups[0]" in text and "at least 40%" in text
    raw["deferral"]["groups"][0]["share"] = 0.4
    del raw["history"]
    with pytest.raises(ConfigError, match="needs a history"):
        parse_config(raw, "config.yaml")


def test_guarantee_beyond_first_year_is_a_warning(tmp_path) -> None:
    from example_config import example_raw

    from appraisal.config import parse_config

    raw = example_raw()
    raw["history"] = {"url": str(tmp_path / "h.sqlite")}
    raw["deferral"] = {"groups": [{"id": "all", "job_levels": ["P1"], "share": 0.2,
                                   "years": 1}]}
    raw.setdefault("bonus", {}).setdefault("limits", {})["minimum_guarantee"] = {
        "amount": 100, "within_months_of_hire": 24}
    warnings = parse_config(raw).deferral_warnings()
    assert len(warnings) == 1 and "first year" in warnings[0]
    raw["bonus"]["limits"]["minimum_guarantee"]["within_months_of_hire"] = 12
    assert parse_config(raw).deferral_warnings() == []


def test_plain_config_serialises_without_deferral() -> None:
    from example_config import example_raw

    from appraisal.config import parse_config

    dumped = parse_config(example_raw()).model_dump()
    assert "deferral" not in dumped and "clawback" not in dumped


# ---------------------------------------------------------------- leavers and clawback


def _tranches() -> pd.DataFrame:
    grants = pd.DataFrame({"manager_id": ["M1", "M1", "M2"],
                           "grant_period": ["2026-01", "2026-02", "2026-01"],
                           "group": ["risk"] * 3, "amount": [30_000, 60_000, 9_000]})
    return grants, grant_tranches(grants, _config())


def test_leavers_kept_forfeited_by_reason() -> None:
    roster = pd.DataFrame({"manager_id": ["M1", "M2", "M3"],
                           "leave_date": ["2026-05-10", None, "2027-01-01"],
                           "leave_reason": ["dismissed", None, "retired"]})
    assert leaver_treatment(roster, "2026-05-31", _config()) == {"M1": "kept"}
    by_reason = DeferralConfig(groups=_config().groups, leavers="by_reason",
                               leaver_reasons={"dismissed": "forfeited"})
    assert leaver_treatment(roster, "2027-01-31", by_reason) == {"M1": "forfeited",
                                                                 "M3": "kept"}
    grants, tranches = _tranches()
    state, forfeits = forfeit_leavers(tranches, {"M1": "forfeited"})
    assert forfeits["amount"].sum() == 90_000
    assert unreleased(state)[state["manager_id"] == "M2"].sum() == 9_000
    check_identity(grants, state)


def test_clawback_stops_then_leaves_a_receivable() -> None:
    grants, tranches = _tranches()
    state, _ = release_due(tranches, "2027-01")  # M1's first 2026-01 tranche (10,000) paid
    events = pd.DataFrame({"event_id": [1], "manager_id": ["M1"], "periods": [("2026-01",)],
                           "claim": [25_000]})
    state, stops, receivables = apply_clawback(state, events)
    # 2026-01's unreleased tranches: 10,000 due 2028-01 and 10,000 due 2029-01 → both stopped
    assert stops["amount"].tolist() == [10_000, 10_000]
    assert receivables[["stopped", "receivable"]].iloc[0].tolist() == [20_000, 5_000]
    # the 2026-02 grant is untouched
    assert unreleased(state)[state["grant_period"] == "2026-02"].sum() == 60_000
    table = check_identity(grants, state)
    assert table.set_index("manager_id").loc["M1", "stopped"] == 20_000


def test_clawback_partial_stop() -> None:
    grants, tranches = _tranches()
    events = pd.DataFrame({"event_id": [7], "manager_id": ["M1"], "periods": [("2026-02",)],
                           "claim": [25_000]})
    state, stops, receivables = apply_clawback(tranches, events)
    assert stops["amount"].tolist() == [20_000, 5_000]
    assert receivables["receivable"].tolist() == [0]
    check_identity(grants, state)


def test_recovery_caps_and_claims() -> None:
    config = ClawbackConfig(cap_share_per_period=0.3, cap_per_period=500)
    got = recovery_cents([100_000, 1_000, 100_000, 5], [200_000, 200_000, 99_999, -10], config)
    # caps: min(60,000, 50,000), ..., floor(0.3 × 99,999) = 29,999, pay negative → 0
    assert got.tolist() == [50_000, 1_000, 29_999, 0]
    assert claim_cents([1234.565, np.nan], [np.nan, 0.25], [0, 10_001]).tolist() == [
        123_457, 2_500]


def test_annual_actuals_and_true_up() -> None:
    monthly = pd.DataFrame({"manager_id": ["M1"] * 3, "indicator": ["loans", "loans", "npl"][:3],
                            "period": ["2026-01", "2026-02", "2026-01"],
                            "actual": [10.0, 20.0, 0.5]})
    table = annual_actuals(monthly, {"loans": "mean", "npl": "last"})
    assert table["actual"].tolist() == [15.0, 0.5]
    assert true_up([1_000, 500], [1_200, 100]).tolist() == [-200, 400]


# ---------------------------------------------------------------- properties


weights_strategy = st.lists(st.integers(0, 50), min_size=1, max_size=8).map(sorted).filter(
    lambda w: sum(w) > 0)


@settings(max_examples=300, deadline=None)
@given(totals=st.lists(st.integers(0, 10**12), min_size=1, max_size=20),
       years=st.integers(1, 10))
def test_equal_tranches_sum_and_differ_by_at_most_a_cent(totals: list[int], years: int) -> None:
    cents = schedule_cents(totals, (1,) * years)
    assert cents.sum(axis=1).tolist() == totals
    assert (cents.max(axis=1) - cents.min(axis=1) <= 1).all()
    # never front-loaded beyond the rounding cent, and the extra cents go to earlier tranches
    assert (np.diff(cents, axis=1) <= 0).all() and (np.diff(cents, axis=1) >= -1).all()


@settings(max_examples=300, deadline=None)
@given(totals=st.lists(st.integers(0, 10**11), min_size=1, max_size=10),
       weights=weights_strategy)
def test_rising_schedules_are_exact_and_never_front_loaded(totals: list[int],
                                                           weights: list[int]) -> None:
    cents = schedule_cents(totals, tuple(weights))
    assert cents.sum(axis=1).tolist() == totals
    exact = np.asarray(totals, dtype=object)[:, None] * np.asarray(weights)[None, :]
    floor = exact // sum(weights)
    assert ((cents - floor >= 0) & (cents - floor <= 1)).all()
    # a later tranche is never below an earlier one by more than the rounding cent
    assert (np.diff(cents, axis=1) >= -1).all()


@settings(max_examples=50, deadline=None)  # 36 months of pandas steps each: keep CI short
@given(data=st.data())
def test_ledger_identity_over_random_sequences(data: st.DataObject) -> None:
    """Random grants over 36 months, releases, a leaver, clawbacks: granted = released +
    unreleased + forfeited + stopped, per manager, at every step."""
    config = _config(years=data.draw(st.integers(3, 5)))
    managers = [f"M{i}" for i in range(data.draw(st.integers(1, 4)))]
    months = [f"{2026 + m // 12}-{m % 12 + 1:02d}" for m in range(36)]
    grants = pd.DataFrame(columns=["manager_id", "grant_period", "group", "amount"])
    state = grant_tranches(grants.astype({"amount": "int64"}), config)
    event_id = 0
    for month in months:
        pay = data.draw(st.lists(st.integers(-10**6, 10**8), min_size=len(managers),
                                 max_size=len(managers)))
        deferred = deferred_cents(pay, ["risk"] * len(managers), config)
        new = pd.DataFrame({"manager_id": managers, "grant_period": month, "group": "risk",
                            "amount": deferred})
        grants = pd.concat([grants, new], ignore_index=True).astype({"amount": "int64"})
        state = pd.concat([state, grant_tranches(new, config)], ignore_index=True)
        state, _ = release_due(state, month)
        if data.draw(st.integers(0, 20)) == 0:
            state, _ = forfeit_leavers(state, {data.draw(st.sampled_from(managers)):
                                               "forfeited"})
        if data.draw(st.integers(0, 10)) == 0:
            event_id += 1
            events = pd.DataFrame({"event_id": [event_id],
                                   "manager_id": [data.draw(st.sampled_from(managers))],
                                   "periods": [(data.draw(st.sampled_from(months)),)],
                                   "claim": [data.draw(st.integers(0, 10**8))]})
            state, stops, receivables = apply_clawback(state, events)
            assert int(receivables["receivable"].iloc[0]) >= 0
            assert int(stops["amount"].sum()) == int(receivables["stopped"].iloc[0])
        table = check_identity(grants, state)
        assert int(table["granted"].sum()) == int(grants["amount"].sum())
    assert (state["amount"] >= 0).all()


@given(due=st.lists(st.integers(-10**12, 10**12), min_size=1, max_size=30), data=st.data())
def test_advances_plus_true_up_is_due(due: list[int], data: st.DataObject) -> None:
    advances = data.draw(st.lists(st.integers(-10**12, 10**12), min_size=len(due),
                                  max_size=len(due)))
    assert (np.asarray(advances) + true_up(due, advances)).tolist() == due
