"""Deferred performance pay, its release and clawback: pure, vectorised, in int64 cents.

Source: 《商业银行稳健薪酬监管指引》 (CBRC 2010) — part of performance pay is deferred and released
in equal (never front-loaded) parts; for losses that surface within the period the bank stops
every unpaid part and recovers what was paid (追索扣回). See docs/deferral.md.

The steps, as in docs/deferral.md (money in cents throughout):
    deferred     deferred_i = round_half_away(share_g × max(pay_i, 0))  (pay: the period's
                 performance pay, gross − withheld + pool allocation + redistributed)
    tranches     tranche_k = floor(D × w_k / W) plus one cent for the largest remainders
                 (largest remainder, `money.allocate_cents`); equal remainders (equal weights):
                 the EARLIER tranche gets the extra cent. Σ tranches = D exactly.
    due          tranche k (1..n) falls due in the month `k × months_between` after the grant
    release      a tranche is released (paid as `released`) in the first run of a period on or
                 after its due month, unless it was forfeited or stopped
    leavers      unreleased tranches of a leaver: kept (default), forfeited, or by reason
    clawback     claim = amount, or share × the performance pay of the periods concerned;
                 1. stop the unreleased tranches granted in those periods, earliest due first,
                    up to the claim; 2. the rest is a receivable, recovered from future pay at
                    most cap per period (min(cap_share × pay, cap_amount), rounded down)
    identity     granted = released + unreleased + forfeited + stopped, per manager and in total

A tranche frame (`TRANCHE_COLUMNS`) is the state: one row per tranche with its amount and the
cents released, forfeited and stopped so far; unreleased = amount − the three.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pandas as pd

from .config.deferral import ClawbackConfig, DeferralConfig, DeferralGroup
from .errors import InternalError
from .money import exact_fraction, to_cents

__all__ = [
    "STATE_COLUMNS",
    "TRANCHE_COLUMNS",
    "DeferralInputs",
    "add_months",
    "annual_actuals",
    "apply_clawback",
    "check_identity",
    "deferral_groups",
    "deferred_and_released",
    "deferred_cents",
    "forfeit_leavers",
    "grant_tranches",
    "recovery_cents",
    "regrant",
    "release_due",
    "schedule_cents",
    "settle_deferral",
    "true_up",
    "unreleased",
]

IntArray = npt.NDArray[np.int64]
TRANCHE_COLUMNS = ("manager_id", "grant_period", "group", "tranche", "due_period", "amount",
                   "released", "forfeited", "stopped")
STATE_COLUMNS = ("released", "forfeited", "stopped")
_TRUE = frozenset({"true", "1", "1.0", "yes", "y", "是", "t"})


# ---------------------------------------------------------------- who and how much


def _flag(values: pd.Series) -> pd.Series:
    text = values.astype("str").str.strip().str.lower()
    return values.notna() & text.isin(_TRUE)


def deferral_groups(roster: pd.DataFrame, config: DeferralConfig) -> pd.Series:
    """The group id of each roster manager ('' when not deferred), indexed like `roster`.

    A manager in several groups takes the first that names them. A `roster_flag` column the
    roster lacks is a KeyError naming it (the caller turns it into an input error).
    """
    group = pd.Series("", index=roster.index, dtype="object")
    ids = roster["manager_id"].astype("str")
    levels = roster["job_level"].astype("str") if "job_level" in roster.columns else None
    for spec in config.groups:
        member = ids.isin(spec.managers)
        if spec.job_levels and levels is not None:
            member |= levels.isin(spec.job_levels)
        if spec.roster_flag:
            if spec.roster_flag not in roster.columns:
                raise KeyError(spec.roster_flag)
            member |= _flag(roster[spec.roster_flag])
        group = group.where(~(member & (group == "")), spec.id)
    return group.astype("str")


def _half_away(numerators: IntArray, denominator: int) -> IntArray:
    """numerators / denominator rounded half away from zero, exactly (denominator > 0)."""
    magnitude = (2 * np.abs(numerators) + denominator) // (2 * denominator)
    return np.where(numerators >= 0, magnitude, -magnitude).astype(np.int64)


def deferred_cents(pay: npt.ArrayLike, groups: pd.Series | Sequence[str],
                   config: DeferralConfig) -> IntArray:
    """The deferred part of each manager's performance pay, in cents.

    deferred_i = share_g × max(pay_i, 0), rounded half away from zero on the exact decimal
    share (0.4 is 2/5, not a float); 0 outside every group. Never more than the pay.
    """
    cents = np.maximum(np.asarray(pay, dtype=np.int64), 0)
    labels = np.asarray(groups, dtype=object).astype(str)
    out = np.zeros(cents.shape, dtype=np.int64)
    for spec in config.groups:
        mask = labels == spec.id
        if mask.any():
            share = exact_fraction(spec.share)
            out[mask] = _half_away(cents[mask] * share.numerator, share.denominator)
    return out


# ---------------------------------------------------------------- tranches


def _integer_weights(weights: Sequence[float]) -> list[int]:
    fractions = [exact_fraction(w) for w in weights]
    common = int(np.lcm.reduce([f.denominator for f in fractions])) if fractions else 1
    return [int(f * common) for f in fractions]


def schedule_cents(totals: npt.ArrayLike, weights: Sequence[float]) -> IntArray:
    """Each grant (row) split into its tranches (columns) by largest remainder, exactly.

    floor_k = D × w_k // W, remainder_k = D × w_k mod W; the cents still missing go to the
    largest remainders, equal remainders to the EARLIER tranche (as `money.allocate_cents`).
    Rows sum to their totals; equal weights give tranches within one cent of each other.
    """
    amounts = np.asarray(totals, dtype=np.int64).reshape(-1)
    if np.any(amounts < 0):
        raise InternalError("deferral: a grant cannot be negative")
    w = np.asarray(_integer_weights(weights), dtype=np.int64)
    n, total_weight = len(w), int(w.sum())
    products = amounts[:, None] * w[None, :]
    floors, remainders = products // total_weight, products % total_weight
    missing = amounts - floors.sum(axis=1)
    # rank of each tranche within its grant: largest remainder first, then earlier position
    order = np.lexsort((np.broadcast_to(np.arange(n), remainders.shape), -remainders), axis=1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(n)[None, :].repeat(len(amounts), axis=0), axis=1)
    return (floors + (rank < missing[:, None])).astype(np.int64)


def add_months(periods: npt.ArrayLike, months: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """Month labels (YYYY-MM; a quarter, half or year counts as its last month) shifted."""
    labels = pd.Series(np.asarray(periods, dtype=object).astype(str))
    year = labels.str.slice(0, 4).astype("int64").to_numpy()
    tail = labels.str.slice(5)
    month = np.where(labels.str.len() == 4, 12, 0)
    is_month = tail.str.fullmatch(r"\d{2}").to_numpy()
    is_q = tail.str.startswith("Q").to_numpy()
    is_h = tail.str.startswith("H").to_numpy()
    digit = pd.to_numeric(tail.str.slice(-1).where(tail != "", "0"), errors="coerce")
    digit = digit.fillna(0).astype("int64").to_numpy()
    month = np.where(is_month, pd.to_numeric(tail.where(is_month, "0")).to_numpy(), month)
    month = np.where(is_q, 3 * digit, month)
    month = np.where(is_h, 6 * digit, month)
    index = year * 12 + month - 1 + np.asarray(months, dtype=np.int64)
    new_year, new_month = np.divmod(index, 12)
    return np.char.add(np.char.add(new_year.astype(str), "-"),
                       np.char.zfill((new_month + 1).astype(str), 2))


def grant_tranches(grants: pd.DataFrame, config: DeferralConfig) -> pd.DataFrame:
    """Tranche rows (`TRANCHE_COLUMNS`) of grants (manager_id, grant_period, group, amount).

    Tranche k of a grant falls due `k × months_between_tranches` months after the grant
    period's last month; every state column starts at 0.
    """
    parts = []
    specs: dict[str, DeferralGroup] = {g.id: g for g in config.groups}
    for group_id, frame in grants.groupby("group", sort=True):
        spec = specs[str(group_id)]
        cents = schedule_cents(frame["amount"].to_numpy(dtype=np.int64), spec.weights)
        n = cents.shape[1]
        tranche = np.tile(np.arange(1, n + 1), len(frame))
        repeated = frame.loc[frame.index.repeat(n)]
        parts.append(pd.DataFrame({
            "manager_id": repeated["manager_id"].astype("str").to_numpy(),
            "grant_period": repeated["grant_period"].astype("str").to_numpy(),
            "group": str(group_id),
            "tranche": tranche.astype(np.int64),
            "due_period": add_months(repeated["grant_period"].to_numpy(),
                                     tranche * config.months_between_tranches),
            "amount": cents.reshape(-1),
        }))
    if not parts:
        return _empty_tranches()
    out = pd.concat(parts, ignore_index=True)
    for column in STATE_COLUMNS:
        out[column] = np.zeros(len(out), dtype=np.int64)
    return out.sort_values(["manager_id", "grant_period", "tranche"],
                           kind="stable").reset_index(drop=True)[list(TRANCHE_COLUMNS)]


def _empty_tranches() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in TRANCHE_COLUMNS[:3]})
    frame["tranche"] = pd.Series(dtype="int64")
    frame["due_period"] = pd.Series(dtype="str")
    for column in ("amount", *STATE_COLUMNS):
        frame[column] = pd.Series(dtype="int64")
    return frame


def unreleased(tranches: pd.DataFrame) -> pd.Series:
    """Cents of each tranche still deferred: amount − released − forfeited − stopped."""
    return (tranches["amount"] - tranches["released"] - tranches["forfeited"]
            - tranches["stopped"]).astype("int64")


# ---------------------------------------------------------------- events on the state


def release_due(tranches: pd.DataFrame, period: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Release every unreleased part of tranches due on or before `period`'s last month.

    Returns (the new state, the releases: one row per tranche released, with its amount).
    """
    due = add_months([period], [0])[0]
    rest = unreleased(tranches)
    mask = (tranches["due_period"].astype("str") <= due) & (rest > 0)
    out = tranches.copy()
    out.loc[mask, "released"] = out.loc[mask, "released"] + rest[mask]
    releases = tranches.loc[mask, ["manager_id", "grant_period", "tranche", "due_period"]].copy()
    releases["amount"] = rest[mask].to_numpy(dtype=np.int64)
    return out, releases.reset_index(drop=True)


def forfeit_leavers(tranches: pd.DataFrame, treatment: Mapping[str, str]
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forfeit the unreleased tranches of managers whose treatment is `forfeited`.

    `treatment`: manager_id -> kept | forfeited (leavers only). Returns (state, forfeits).
    """
    forfeited = {m for m, how in treatment.items() if how == "forfeited"}
    rest = unreleased(tranches)
    mask = tranches["manager_id"].astype("str").isin(forfeited) & (rest > 0)
    out = tranches.copy()
    out.loc[mask, "forfeited"] = out.loc[mask, "forfeited"] + rest[mask]
    rows = tranches.loc[mask, ["manager_id", "grant_period", "tranche", "due_period"]].copy()
    rows["amount"] = rest[mask].to_numpy(dtype=np.int64)
    return out, rows.reset_index(drop=True)


def leaver_treatment(roster: pd.DataFrame, period_end: str, config: DeferralConfig
                     ) -> dict[str, str]:
    """manager_id -> kept | forfeited for every manager who has left by `period_end`
    (an ISO date), by `deferral.leavers` (by_reason: the roster's leave_reason)."""
    if "leave_date" not in roster.columns:
        return {}
    leave = pd.to_datetime(roster["leave_date"], errors="coerce")
    left = leave.notna() & (leave <= pd.Timestamp(period_end))
    ids = roster.loc[left, "manager_id"].astype("str")
    if config.leavers != "by_reason":
        return dict.fromkeys(ids.tolist(), config.leavers)
    reasons = (roster.loc[left, "leave_reason"].astype("str").str.strip()
               if "leave_reason" in roster.columns else pd.Series("", index=ids.index))
    how = reasons.map(lambda r: config.leaver_reasons.get(r, "kept"))
    return dict(zip(ids.tolist(), how.tolist(), strict=True))


def apply_clawback(tranches: pd.DataFrame, events: pd.DataFrame
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Apply clawback events: stop unreleased tranches, then the rest becomes a receivable.

    `events`: event_id, manager_id, periods (a tuple of period labels), claim (cents, already
    resolved from amount or share). For each event in event_id order, the unreleased tranches
    of that manager granted in those periods are stopped earliest due first (then grant
    period, tranche) until the claim is met; a tranche may be stopped in part. The claim not
    met by stops is the event's receivable. Returns (state, stops, receivables).
    """
    state = tranches.copy()
    stops, receivables = [], []
    for event in events.sort_values("event_id", kind="stable").itertuples(index=False):
        periods = {str(p) for p in event.periods}
        rest = unreleased(state)
        mask = ((state["manager_id"].astype("str") == str(event.manager_id))
                & state["grant_period"].astype("str").isin(periods) & (rest > 0))
        chosen = state.loc[mask].sort_values(["due_period", "grant_period", "tranche"],
                                             kind="stable")
        available = rest[chosen.index].to_numpy(dtype=np.int64)
        before = np.cumsum(available) - available
        stopped = np.clip(int(event.claim) - before, 0, available).astype(np.int64)
        state.loc[chosen.index, "stopped"] = state.loc[chosen.index, "stopped"] + stopped
        hit = stopped > 0
        rows = chosen.loc[hit, ["manager_id", "grant_period", "tranche", "due_period"]].copy()
        rows["event_id"] = event.event_id
        rows["amount"] = stopped[hit]
        stops.append(rows)
        receivables.append({"event_id": event.event_id, "manager_id": str(event.manager_id),
                            "claim": int(event.claim), "stopped": int(stopped.sum()),
                            "receivable": int(event.claim) - int(stopped.sum())})
    stop_frame = (pd.concat(stops, ignore_index=True) if stops else
                  pd.DataFrame(columns=["manager_id", "grant_period", "tranche", "due_period",
                                        "event_id", "amount"]))
    receivable_frame = pd.DataFrame(receivables, columns=["event_id", "manager_id", "claim",
                                                          "stopped", "receivable"])
    return state, stop_frame, receivable_frame


def recovery_cents(balance: npt.ArrayLike, pay: npt.ArrayLike,
                   config: ClawbackConfig) -> IntArray:
    """What this period recovers of each manager's receivable balance, in cents.

    recovered = min(balance, cap), cap = min(floor(cap_share × max(pay, 0)), cap_per_period);
    rounded down so a cap is never exceeded. Pay: the period's pay before the recovery.
    """
    owed = np.maximum(np.asarray(balance, dtype=np.int64), 0)
    cents = np.maximum(np.asarray(pay, dtype=np.int64), 0)
    share = exact_fraction(config.cap_share_per_period)
    cap = (cents * share.numerator) // share.denominator
    if config.cap_per_period is not None:
        cap = np.minimum(cap, int(to_cents(config.cap_per_period)))
    return np.minimum(owed, cap).astype(np.int64)


def claim_cents(amount_yuan: npt.ArrayLike, share: npt.ArrayLike,
                performance_pay: npt.ArrayLike) -> IntArray:
    """Each clawback event's claim: its amount in cents, or share × the performance pay of the
    periods concerned, rounded half away from zero (share given as a decimal)."""
    amounts = np.asarray(amount_yuan, dtype=np.float64)
    shares = np.asarray(share, dtype=np.float64)
    pay = np.asarray(performance_pay, dtype=np.int64)
    out = np.zeros(len(pay), dtype=np.int64)
    has_amount = ~np.isnan(amounts)
    if has_amount.any():
        out[has_amount] = to_cents(amounts[has_amount])
    for index in np.flatnonzero(~has_amount):  # a handful of events: exact per event
        fraction = Fraction(repr(float(shares[index])))
        out[index] = int(_half_away(np.array([pay[index] * fraction.numerator]),
                                    fraction.denominator)[0])
    return out


def check_identity(grants: pd.DataFrame, tranches: pd.DataFrame) -> pd.DataFrame:
    """Per manager: granted, released, unreleased, forfeited, stopped (cents) with
    granted = released + unreleased + forfeited + stopped; InternalError if it fails."""
    granted = grants.groupby("manager_id")["amount"].sum().astype("int64")
    state = tranches.assign(unreleased=unreleased(tranches))
    parts = state.groupby("manager_id")[["amount", "released", "unreleased", "forfeited",
                                         "stopped"]].sum().astype("int64")
    table = parts.reindex(granted.index.union(parts.index), fill_value=0)
    table.insert(0, "granted", granted.reindex(table.index, fill_value=0).astype("int64"))
    explained = table[["released", "unreleased", "forfeited", "stopped"]].sum(axis=1)
    if not (table["granted"] == explained).all() or not (table["granted"]
                                                         == table["amount"]).all():
        raise InternalError("deferral: granted ≠ released + unreleased + forfeited + stopped")
    if (state[["released", "forfeited", "stopped", "unreleased"]] < 0).to_numpy().any():
        raise InternalError("deferral: a tranche has a negative part")
    return table.drop(columns="amount").reset_index()


# ---------------------------------------------------------------- revisions


def regrant(tranches: pd.DataFrame, deferred: int, weights: Sequence[float]
            ) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """A revision of a month changes what it defers: stop + re-grant, never an edit.

    `tranches`: one manager's tranches granted in that month (state), `deferred`: what the
    revision defers (cents). Every unreleased part is stopped; what the revision defers beyond
    what is already settled (released, forfeited, stopped before) is re-granted,
    u' = deferred − (granted − unreleased), over the due months of the tranches that were
    still unreleased (by their weights, largest remainder; the last due month when none is),
    numbered after the grant's last tranche. Returns (stops, new tranches, u'); u' < 0 is the
    caller's error (a revision cannot defer less than what was already paid out of it).
    """
    rest = unreleased(tranches)
    stops = tranches.loc[rest > 0, ["manager_id", "grant_period", "tranche",
                                    "due_period"]].copy()
    stops["amount"] = rest[rest > 0].to_numpy(dtype=np.int64)
    settled = int(tranches["amount"].sum()) - int(rest.sum())
    amount = int(deferred) - settled
    if amount <= 0:
        return stops.reset_index(drop=True), _empty_tranches(), amount
    open_ = tranches[rest > 0]
    if len(open_):
        numbers = open_["tranche"].astype("int64").to_numpy()
        n = len(weights)
        w = [weights[(int(k) - 1) % n] for k in numbers]
        dues = open_["due_period"].astype(str).to_numpy()
    else:
        w = [1.0]
        dues = np.array([str(tranches["due_period"].astype(str).max())])
    cents = schedule_cents([amount], w)[0]
    first = tranches.iloc[0]
    top = int(tranches["tranche"].max())
    new = pd.DataFrame({
        "manager_id": str(first["manager_id"]), "grant_period": str(first["grant_period"]),
        "group": str(first["group"]), "tranche": np.arange(top + 1, top + 1 + len(cents)),
        "due_period": dues, "amount": cents.astype(np.int64)})
    for column in STATE_COLUMNS:
        new[column] = np.zeros(len(new), dtype=np.int64)
    return stops.reset_index(drop=True), new[list(TRANCHE_COLUMNS)], amount


# ---------------------------------------------------------------- the year


def annual_actuals(monthly: pd.DataFrame, how: Mapping[str, str],
                   default: str = "sum") -> pd.DataFrame:
    """Annual actual per manager and indicator from the closed months' actuals.

    `monthly`: manager_id, indicator, period (YYYY-MM), actual. `how`: indicator -> sum, mean
    or last (the latest month with a value). Returns manager_id, indicator, actual, months.
    """
    frame = monthly.dropna(subset=["actual"]).sort_values(
        ["manager_id", "indicator", "period"], kind="stable")
    grouped = frame.groupby(["manager_id", "indicator"], sort=True)["actual"]
    table = pd.DataFrame({"sum": grouped.sum(), "mean": grouped.mean(), "last": grouped.last(),
                          "months": grouped.count()}).reset_index()
    rule = table["indicator"].map(lambda i: how.get(str(i), default))
    unknown = set(rule) - {"sum", "mean", "last"}
    if unknown:
        raise InternalError(f"deferral: unknown aggregation {sorted(unknown)}")
    table["actual"] = np.select([rule == "sum", rule == "mean"],
                                [table["sum"], table["mean"]], table["last"])
    return table[["manager_id", "indicator", "actual", "months"]]


def true_up(due: npt.ArrayLike, advances: npt.ArrayLike) -> IntArray:
    """The annual settlement of the grade component: due by the annual grade − the monthly
    advances already paid (negative: recovered like a negative retro adjustment)."""
    return (np.asarray(due, dtype=np.int64) - np.asarray(advances, dtype=np.int64))


# ---------------------------------------------------------------- the bonus stage's part


@dataclass(frozen=True)
class DeferralInputs:
    """What the deferral ledger hands the bonus stage, by manager_id (cents).

    groups: each manager's deferral group ('' = not deferred); released: tranches due and
    paid this period; receivable: clawback receivable owed before this period's recovery
    (including new events); receivable_new: what this run's events added.
    """

    groups: pd.Series
    released: pd.Series
    receivable: pd.Series
    config: DeferralConfig
    clawback: ClawbackConfig | None = None
    receivable_new: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))
    recovered: pd.Series | None = None  # a revision keeps what its version recovered


def deferred_and_released(ids: pd.Index, performance_pay: IntArray,
                          inputs: DeferralInputs) -> tuple[IntArray, IntArray]:
    """(deferred, released) per manager in `ids` (cents): deferred = share × max(performance
    pay, 0) (see `deferred_cents`), released as the ledger says."""
    groups = inputs.groups.reindex(ids).fillna("").astype(str)
    deferred = deferred_cents(performance_pay, groups.to_numpy(), inputs.config)
    released = inputs.released.reindex(ids, fill_value=0).to_numpy(dtype=np.int64)
    return deferred, released


def settle_deferral(ids: pd.Index, performance_pay: IntArray, pay_before: IntArray,
                    inputs: DeferralInputs) -> dict[str, IntArray]:
    """deferred, released and clawback_recovered per manager in `ids` (cents).

    deferred and released: `deferred_and_released`; recovered = `recovery_cents` of the
    receivable against the pay left after deferral and release (pay_before − deferred +
    released). final = pay_before − deferred + released − recovered.
    """
    deferred, released = deferred_and_released(ids, performance_pay, inputs)
    owed = inputs.receivable.reindex(ids, fill_value=0).to_numpy(dtype=np.int64)
    left = pay_before - deferred + released
    if inputs.recovered is not None:
        recovered = inputs.recovered.reindex(ids, fill_value=0).to_numpy(dtype=np.int64)
    else:
        recovered = recovery_cents(owed, left, inputs.clawback or ClawbackConfig())
    return {"deferred": deferred, "released": released, "clawback_recovered": recovered}
