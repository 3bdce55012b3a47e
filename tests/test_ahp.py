"""AHP math: published examples (cited, with their tolerance), hand calculations, properties."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from appraisal.ahp import (
    RI_TABLES,
    SAATY_SCALE,
    DisconnectedJudgmentsError,
    HierarchyError,
    InvalidMatrixError,
    RandomIndexError,
    analyse_matrix,
    combine_judgments,
    complete_matrix,
    gci_threshold,
    geometric_consistency_index,
    hierarchy_weights,
    inconsistency_diagnostics,
    judgment_matrix,
    lambda_max,
    matrix_problems,
    parse_judgment,
    priority_vector,
    random_index,
)
from appraisal.errors import AppraisalError

# The source's worked example (DOMAIN.md; seeds 篇3): the dimension matrix of the scorecard.
SOURCE = [[1, 2, 3, 5], [1 / 2, 1, 2, 3], [1 / 3, 1 / 2, 1, 2], [1 / 5, 1 / 3, 1 / 2, 1]]
DIMENSIONS = ["financial", "customer", "internal_process", "learning_growth"]


def _matrix(pairs: dict[tuple[str, str], float], names: list[str]) -> np.ndarray:
    """Reciprocal matrix from {(a, b): a_ab}; NaN where a pair is not given."""
    n = len(names)
    values = np.full((n, n), np.nan)
    np.fill_diagonal(values, 1.0)
    for (a, b), value in pairs.items():
        i, j = names.index(a), names.index(b)
        values[i, j], values[j, i] = value, 1.0 / value
    return values


# ---- the source's example -----------------------------------------------------------------------


def test_source_example_geometric_mean_matches_the_source():
    # Source (篇3): W = (0.4832, 0.2717, 0.1569, 0.0882), λmax ≈ 4.0145 (printed "0.4015", a typo),
    # CI ≈ 0.005, CR ≈ 0.005 < 0.1 with RI(4) = 0.90. Tolerance: half a unit of the 4th decimal.
    result = analyse_matrix(SOURCE, DIMENSIONS)
    assert result.method == "geometric_mean"
    assert result.weights == pytest.approx((0.4832, 0.2717, 0.1569, 0.0882), abs=5e-5)
    assert result.lambda_max == pytest.approx(4.0145, abs=5e-5)
    assert result.consistency_index == pytest.approx(0.0048, abs=5e-5)
    assert result.random_index == 0.90
    assert result.ri_table == "saaty_1980"
    assert result.consistency_ratio == pytest.approx(0.0054, abs=5e-5)
    assert result.consistent
    assert sum(result.weights) == pytest.approx(1.0, abs=1e-15)


def test_source_example_eigenvector_uses_the_perron_eigenvalue():
    # Hand check against numpy's eigenvalues: λmax of the eigenvector method is the largest
    # eigenvalue; the weights differ from the geometric mean only in the 4th decimal.
    result = analyse_matrix(SOURCE, DIMENSIONS, method="eigenvector")
    assert result.lambda_max == pytest.approx(max(np.linalg.eigvals(SOURCE).real), abs=1e-12)
    assert result.weights == pytest.approx((0.4829, 0.2720, 0.1570, 0.0882), abs=5e-5)
    assert result.consistency_ratio == pytest.approx(0.0054, abs=5e-5)


def test_result_to_dict_names_every_intermediate():
    data = analyse_matrix(SOURCE, DIMENSIONS).to_dict()
    assert set(data) >= {"criteria", "matrix", "weights", "method", "lambda_max", "ci", "ri",
                         "ri_table", "cr", "consistent", "gci"}
    assert list(data["weights"]) == DIMENSIONS
    assert data["weights"]["financial"] == pytest.approx(0.48319, abs=1e-5)  # full precision


# ---- published examples -------------------------------------------------------------------------

# Saaty, T.L. (2008) Decision making with the analytic hierarchy process, Int. J. Services
# Sciences 1(1), 83-98: relative consumption of drinks in the U.S. (eigenvector). The derived
# scale as published to 3 decimals (also reproduced in AHPy's test suite, tests/test_ahp.py).
DRINKS_NAMES = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
DRINKS = {
    ("coffee", "wine"): 9, ("coffee", "tea"): 5, ("coffee", "beer"): 2, ("coffee", "soda"): 1,
    ("coffee", "milk"): 1, ("water", "coffee"): 2, ("water", "wine"): 9, ("water", "tea"): 9,
    ("water", "beer"): 3, ("water", "soda"): 2, ("water", "milk"): 3, ("tea", "wine"): 3,
    ("beer", "wine"): 9, ("beer", "tea"): 3, ("beer", "milk"): 1, ("soda", "wine"): 9,
    ("soda", "tea"): 4, ("soda", "beer"): 2, ("soda", "milk"): 2, ("milk", "wine"): 9,
    ("milk", "tea"): 3,
}
DRINKS_WEIGHTS = {"coffee": 0.177, "wine": 0.019, "tea": 0.042, "beer": 0.116, "soda": 0.190,
                  "milk": 0.129, "water": 0.327}


def test_saaty_2008_drinks_eigenvector_weights():
    result = analyse_matrix(_matrix(DRINKS, DRINKS_NAMES), DRINKS_NAMES, method="eigenvector",
                            ri_table="saaty_2005")
    assert result.weights_by_criterion == pytest.approx(DRINKS_WEIGHTS, abs=5e-4)


@pytest.mark.parametrize(("table", "published", "tolerance"), [
    ("saaty_2005", 0.022, 5e-4),          # AHPy test_drinks_cr_saaty, RI(7) = 1.35
    ("donegan_dodd_1991", 0.0235, 5e-5),  # AHPy test_drinks_cr_dd, RI(7) = 1.2519
])
def test_saaty_2008_drinks_consistency_ratio(table, published, tolerance):
    result = analyse_matrix(_matrix(DRINKS, DRINKS_NAMES), DRINKS_NAMES, method="eigenvector",
                            ri_table=table)
    assert result.consistency_ratio == pytest.approx(published, abs=tolerance)
    assert result.consistent


# Saaty, T.L. (1990) How to make a decision: the analytic hierarchy process, European Journal of
# Operational Research 48, 9-26, Table 2: criteria for buying a house (an INCONSISTENT matrix).
# Published: eigenvector (0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333), λmax = 9.669,
# CI = 0.238, CR = 0.169 (RI(8) = 1.41). Tolerance: half a unit of the last published decimal.
HOUSE = """1 5 3 7 6 6 1/3 1/4
1/5 1 1/3 5 3 3 1/5 1/7
1/3 3 1 6 3 4 6 1/5
1/7 1/5 1/6 1 1/3 1/4 1/7 1/8
1/6 1/3 1/3 3 1 1/2 1/5 1/6
1/6 1/3 1/4 4 2 1 1/5 1/6
3 5 1/6 7 5 5 1 1/2
4 7 5 8 6 6 2 1"""


def test_saaty_1990_house_criteria_are_inconsistent():
    cells = [row.split() for row in HOUSE.splitlines()]
    matrix = judgment_matrix(cells, scale="saaty")
    result = analyse_matrix(matrix.matrix, method="eigenvector")
    assert result.weights == pytest.approx(
        (0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333), abs=5e-4)
    assert result.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert result.consistency_index == pytest.approx(0.238, abs=5e-4)
    assert result.random_index == 1.41
    assert result.consistency_ratio == pytest.approx(0.169, abs=5e-4)
    assert not result.consistent
    diagnostics = inconsistency_diagnostics(result)
    assert len(diagnostics) == 3
    assert all(d.consistency_ratio_after < result.consistency_ratio for d in diagnostics[:1])


# Saaty, T.L. (2005) Theory and Applications of the Analytic Network Process: choosing a city
# (criteria culture, family, housing, jobs, transportation; four cities). Published overall
# priorities to 3 decimals (reproduced in AHPy's test suite, test_cities_weights_saaty_precision_3).
CITIES = ["Bethesda", "Boston", "Pittsburgh", "Santa Fe"]
CITY_CRITERIA = {
    ("Culture", "Housing"): 3, ("Culture", "Transportation"): 5, ("Family", "Culture"): 5,
    ("Family", "Housing"): 7, ("Family", "Transportation"): 7, ("Housing", "Transportation"): 3,
    ("Jobs", "Culture"): 2, ("Jobs", "Housing"): 4, ("Jobs", "Transportation"): 7,
    ("Family", "Jobs"): 1,
}
CITY_MATRICES = {
    "Culture": {("Bethesda", "Pittsburgh"): 1, ("Boston", "Bethesda"): 2,
                ("Boston", "Pittsburgh"): 2.5, ("Boston", "Santa Fe"): 1,
                ("Santa Fe", "Bethesda"): 2, ("Santa Fe", "Pittsburgh"): 2.5},
    "Family": {("Bethesda", "Boston"): 2, ("Bethesda", "Santa Fe"): 4, ("Boston", "Santa Fe"): 2,
               ("Pittsburgh", "Bethesda"): 3, ("Pittsburgh", "Boston"): 8,
               ("Pittsburgh", "Santa Fe"): 9},
    "Housing": {("Bethesda", "Boston"): 5, ("Bethesda", "Santa Fe"): 2.5,
                ("Pittsburgh", "Bethesda"): 2, ("Pittsburgh", "Boston"): 9,
                ("Pittsburgh", "Santa Fe"): 7, ("Santa Fe", "Boston"): 4},
    "Jobs": {("Bethesda", "Pittsburgh"): 3, ("Bethesda", "Santa Fe"): 4,
             ("Boston", "Bethesda"): 2, ("Boston", "Pittsburgh"): 6, ("Boston", "Santa Fe"): 8,
             ("Pittsburgh", "Santa Fe"): 1},
    "Transportation": {("Bethesda", "Boston"): 1.5, ("Bethesda", "Santa Fe"): 4,
                       ("Boston", "Santa Fe"): 2.5, ("Pittsburgh", "Bethesda"): 2,
                       ("Pittsburgh", "Boston"): 3.5, ("Pittsburgh", "Santa Fe"): 9},
}


def test_saaty_2005_cities_hierarchy_synthesis():
    criteria = ["Culture", "Family", "Housing", "Jobs", "Transportation"]
    top = analyse_matrix(_matrix(CITY_CRITERIA, criteria), criteria, method="eigenvector",
                         ri_table="saaty_2005")
    local = {
        name: analyse_matrix(_matrix(pairs, CITIES), CITIES, method="eigenvector",
                             ri_table="saaty_2005").weights_by_criterion
        for name, pairs in CITY_MATRICES.items()
    }
    global_weights = hierarchy_weights(top.weights_by_criterion, local)
    overall = {city: sum(global_weights[c][city] for c in criteria) for city in CITIES}
    assert overall == pytest.approx(
        {"Bethesda": 0.229, "Boston": 0.275, "Pittsburgh": 0.385, "Santa Fe": 0.111}, abs=5e-4)
    assert sum(overall.values()) == pytest.approx(1.0, abs=1e-12)


# Bozóki, S., Fülöp, J. & Rónyai, L. (2010) On optimal completion of incomplete pairwise
# comparison matrices, Math. Comput. Modelling 52(1-2), 318-333: the 4x4 example with (c, d)
# missing. AHPy's test suite reproduces the λmax-optimal value 0.7303 (its cyclic-coordinates
# stopping tolerance is 1e-4), eigenvector weights (0.3738, 0.392, 0.0985, 0.1357) and CR 0.0372
# (Donegan-Dodd RI).
INCOMPLETE = {("a", "b"): 1, ("a", "c"): 5, ("a", "d"): 2, ("b", "c"): 3, ("b", "d"): 4}


def test_bozoki_2010_lambda_max_optimal_completion():
    names = list("abcd")
    completion = complete_matrix(_matrix(INCOMPLETE, names), names, method="lambda_max_optimal")
    assert [(a, b) for a, b, _ in completion.filled] == [("c", "d")]
    assert completion.filled[0][2] == pytest.approx(0.7303, abs=1e-4)
    result = analyse_matrix(completion.matrix, names, method="eigenvector",
                            ri_table="donegan_dodd_1991")
    assert result.weights == pytest.approx((0.3738, 0.392, 0.0985, 0.1357), abs=5e-4)
    assert result.consistency_ratio == pytest.approx(0.0372, abs=5e-5)


def test_lambda_max_optimal_completion_is_the_minimum_of_lambda_max():
    # Independent check: a one-dimensional search over the missing value finds the same optimum.
    names = list("abcd")
    values = _matrix(INCOMPLETE, names)

    def lam(x: float) -> float:
        filled = values.copy()
        filled[2, 3], filled[3, 2] = x, 1 / x
        return max(np.linalg.eigvals(filled).real)

    best = optimize.minimize_scalar(lam, bounds=(0.01, 10), method="bounded",
                                    options={"xatol": 1e-10})
    completion = complete_matrix(values, names, method="lambda_max_optimal")
    assert completion.filled[0][2] == pytest.approx(best.x, rel=1e-6)


def test_bozoki_2010_eight_criteria_completion():
    # The 8x8 example with 12 missing judgments, values as reproduced by AHPy (tolerance 1e-4).
    pairs = {("a", "b"): 5, ("a", "c"): 3, ("a", "d"): 7, ("a", "e"): 6, ("a", "f"): 6,
             ("b", "d"): 5, ("b", "f"): 3, ("c", "e"): 3, ("c", "g"): 6, ("f", "d"): 4,
             ("g", "a"): 3, ("g", "e"): 5, ("h", "a"): 4, ("h", "b"): 7, ("h", "d"): 8,
             ("h", "f"): 6}
    published = {("b", "c"): 0.33002, ("b", "e"): 1.71974, ("b", "g"): 0.46635,
                 ("c", "d"): 9.92051, ("c", "f"): 4.85249, ("c", "h"): 0.56961,
                 ("d", "e"): 0.52528, ("d", "g"): 0.14244, ("e", "f"): 0.93120,
                 ("e", "h"): 0.10931, ("f", "g"): 0.29121, ("g", "h"): 0.40309}
    names = list("abcdefgh")
    completion = complete_matrix(_matrix(pairs, names), names, method="lambda_max_optimal")
    filled = {(a, b): v for a, b, v in completion.filled}
    assert set(filled) == set(published)
    for pair, value in published.items():
        assert filled[pair] == pytest.approx(value, rel=1e-4)


# ---- hand-worked inconsistent matrix ------------------------------------------------------------

# A cyclic 3x3 matrix: 1 > 2 (2), 2 > 3 (2), 3 > 1 (2). By hand: every row product is 1, so the
# weights are (1/3, 1/3, 1/3) by both methods; A·w / w = 1 + 2 + 1/2 = 3.5 in every row, so
# λmax = 3.5, CI = 0.25, CR = 0.25 / 0.58 = 0.43103...; GCI = 2/(2·1)·3·ln²2 = 1.44136...
CYCLE = [[1, 2, 1 / 2], [1 / 2, 1, 2], [2, 1 / 2, 1]]


@pytest.mark.parametrize("method", ["geometric_mean", "eigenvector"])
def test_cyclic_matrix_is_inconsistent_by_hand(method):
    result = analyse_matrix(CYCLE, ["x", "y", "z"], method=method)
    assert result.weights == pytest.approx((1 / 3, 1 / 3, 1 / 3), abs=1e-12)
    assert result.lambda_max == pytest.approx(3.5, abs=1e-12)
    assert result.consistency_index == pytest.approx(0.25, abs=1e-12)
    assert result.consistency_ratio == pytest.approx(0.25 / 0.58, abs=1e-12)
    assert not result.consistent
    assert result.geometric_consistency_index == pytest.approx(3 * math.log(2) ** 2, abs=1e-12)
    assert result.gci_threshold == 0.31


def test_diagnostics_rank_judgments_and_propose_a_scale_value():
    result = analyse_matrix(CYCLE, ["x", "y", "z"])
    diagnostics = inconsistency_diagnostics(result, top=2)
    assert len(diagnostics) == 2
    first = diagnostics[0]
    # all |ln ε| are ln 2; the stable order keeps (x, y) first. w_x/w_y = 1, the judgment is 2;
    # the nearest scale value to 1 is 1 itself.
    assert (first.criterion_a, first.criterion_b) == ("x", "y")
    assert first.value == 2 and first.implied == pytest.approx(1.0)
    assert first.epsilon == pytest.approx(2.0)
    assert first.suggested == 1.0
    changed = np.array(CYCLE, dtype=float)
    changed[0, 1], changed[1, 0] = 1.0, 1.0
    assert first.consistency_ratio_after == pytest.approx(
        analyse_matrix(changed).consistency_ratio, abs=1e-15)
    assert first.consistency_ratio_after < result.consistency_ratio


def test_diagnostics_find_the_one_bad_judgment():
    # A consistent matrix w = (8, 4, 2, 1)/15 with one judgment reversed: (a, d) = 1/8, not 8.
    w = np.array([8, 4, 2, 1]) / 15
    values = w[:, None] / w[None, :]
    values[0, 3], values[3, 0] = 1 / 8, 8
    result = analyse_matrix(values, list("abcd"), method="eigenvector")
    assert not result.consistent
    worst = inconsistency_diagnostics(result, top=1)[0]
    assert (worst.criterion_a, worst.criterion_b) == ("a", "d")
    # the weights are pulled by the bad judgment itself, so one step only moves towards 8: the
    # implied ratio is 0.66, the nearest scale value 1/2, and the CR falls (not yet below 0.10)
    assert worst.implied == pytest.approx(result.weights[0] / result.weights[3])
    assert worst.suggested == 0.5
    assert worst.consistency_ratio_after < result.consistency_ratio


def test_diagnostics_empty_for_two_criteria():
    assert inconsistency_diagnostics(analyse_matrix([[1, 9], [1 / 9, 1]])) == ()


# ---- sizes 1..20 --------------------------------------------------------------------------------


def test_single_criterion_has_weight_one():
    result = analyse_matrix([[1]], ["rorac"])
    assert result.weights == (1.0,)
    assert result.consistency_ratio == 0.0 and result.consistent
    assert result.gci_threshold is None


def test_two_criteria_always_consistent_with_cr_zero():
    # by hand: a_12 = 3 gives w = (3/4, 1/4) by both methods
    for method in ("geometric_mean", "eigenvector"):
        result = analyse_matrix([[1, 3], [1 / 3, 1]], method=method)
        assert result.weights == pytest.approx((0.75, 0.25), abs=1e-12)
        assert result.consistency_ratio == 0.0 and result.consistent
        assert result.lambda_max == pytest.approx(2.0, abs=1e-12)


@pytest.mark.parametrize("n", range(1, 21))
@pytest.mark.parametrize("method", ["geometric_mean", "eigenvector"])
def test_consistent_matrices_of_every_size_up_to_20(n, method):
    w = np.arange(1, n + 1, dtype=float)[::-1]
    w = w / w.sum()
    result = analyse_matrix(w[:, None] / w[None, :], method=method, ri_table="alonso_lamata_2006")
    assert result.weights == pytest.approx(tuple(w), abs=1e-12)
    assert result.lambda_max == pytest.approx(n, abs=1e-9)
    assert abs(result.consistency_ratio) < 1e-9
    assert result.consistent


def test_saaty_1980_table_stops_at_ten_with_the_way_out():
    w = np.ones(11) / 11
    with pytest.raises(RandomIndexError) as caught:
        analyse_matrix(w[:, None] / w[None, :])
    assert str(caught.value) == (
        "matrix 'matrix': random-index table 'saaty_1980' covers matrices up to n = 10, this "
        "one has n = 11; "
        "choose ri_table: saaty_2005 (n ≤ 15), donegan_dodd_1991 (n ≤ 20) or "
        "alonso_lamata_2006 (a formula for any n)")


def test_past_every_table_only_the_formula_is_offered():
    with pytest.raises(RandomIndexError) as caught:
        random_index(21, "donegan_dodd_1991")
    assert str(caught.value).endswith("this one has n = 21; choose ri_table: alonso_lamata_2006 "
                                      "(a formula for any n)")


# ---- random-index tables ------------------------------------------------------------------------


def test_saaty_1980_table_values():
    expected = {3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
    assert {n: random_index(n) for n in expected} == expected
    assert random_index(1) == random_index(2) == 0.0


def test_alonso_lamata_formula_for_any_n():
    # RI(n) = (2.7699 n − 4.3513 − n)/(n − 1): n = 4 → (11.0796 − 4.3513 − 4)/3 = 0.909433...
    assert random_index(4, "alonso_lamata_2006") == pytest.approx(2.7283 / 3, abs=1e-12)
    assert random_index(50, "alonso_lamata_2006") == pytest.approx(
        (2.7699 * 50 - 4.3513 - 50) / 49, abs=1e-12)


def test_unknown_ri_table_is_an_error_listing_the_names():
    with pytest.raises(RandomIndexError) as caught:
        analyse_matrix(SOURCE, ri_table="saty")
    for name in RI_TABLES:
        assert name in str(caught.value)
    assert isinstance(caught.value, AppraisalError)


def test_every_table_cites_its_source():
    assert all(spec.citation for spec in RI_TABLES.values())


# ---- GCI ----------------------------------------------------------------------------------------


def test_gci_thresholds_of_aguaron_moreno_jimenez():
    assert [gci_threshold(n) for n in (2, 3, 4, 5, 9)] == [None, 0.31, 0.35, 0.37, 0.37]


def test_gci_of_a_consistent_matrix_is_zero():
    w = np.array([0.5, 0.3, 0.2])
    assert geometric_consistency_index(w[:, None] / w[None, :]) == pytest.approx(0, abs=1e-24)


# ---- reading and validating judgments -----------------------------------------------------------


@pytest.mark.parametrize(("text", "value", "exact"), [
    ("3", 3.0, Fraction(3)), ("1/3", 1 / 3, Fraction(1, 3)), (" 1 / 5 ", 0.2, Fraction(1, 5)),
    ("0.5", 0.5, None), ("１／３", 1 / 3, Fraction(1, 3)), (7, 7.0, Fraction(7)),
])
def test_parse_judgment_forms(text, value, exact):
    parsed = parse_judgment(text)
    assert parsed is not None
    assert parsed.value == pytest.approx(value) and parsed.exact == exact


@pytest.mark.parametrize("text", ["", "  ", None, float("nan")])
def test_parse_judgment_blank_is_missing(text):
    assert parse_judgment(text) is None


@pytest.mark.parametrize("text", ["abc", "1/0", "1/x", "inf", "3:1"])
def test_parse_judgment_rejects_text(text):
    with pytest.raises(ValueError, match="fraction such as 3, 1/3"):
        parse_judgment(text)


def test_parse_judgment_explains_excel_dates():
    # Excel turns "1/3" typed into a cell into the date 3 January; the reader shows it as a date
    with pytest.raises(ValueError, match="looks like a date"):
        parse_judgment("2026-01-03 00:00:00")


def test_judgment_matrix_fills_mirrors_and_keeps_missing():
    matrix = judgment_matrix([["", "3", ""], ["", "", "1/2"], ["", "", ""]], ["a", "b", "c"])
    values = matrix.array
    assert values[1, 0] == pytest.approx(1 / 3) and values[2, 1] == 2.0
    assert matrix.missing == (("a", "c"),)


def test_reciprocity_is_exact_for_fractions_and_tolerant_for_decimals():
    ok = judgment_matrix([["1", "3"], ["0.33", "1"]], ["a", "b"])  # 0.99 within 2 %
    assert ok.array[0, 1] == 3.0 and ok.array[1, 0] == pytest.approx(1 / 3)  # the exact one wins
    with pytest.raises(InvalidMatrixError) as caught:
        judgment_matrix([["1", "3"], ["33/100", "1"]], ["a", "b"])  # written exactly: must be 1/3
    message = str(caught.value)
    assert "cell (a, b)" in message and "not reciprocal" in message and "exactly 1/3" in message


def test_matrix_problems_name_matrix_cell_and_value():
    problems = matrix_problems([[1, 3, -2], [1 / 3, 2, 1], [1 / 2, 1, 1]], ["a", "b", "c"],
                               matrix_id="dimensions")
    described = [p.describe() for p in problems]
    assert any("matrix 'dimensions', cell (a, c): judgment is not a positive number (got -2)" in d
               for d in described)
    assert any("cell (b, b): diagonal judgment must be 1 (got 2)" in d for d in described)


def test_matrix_not_square():
    problems = matrix_problems(np.ones((2, 3)), matrix_id="m")
    assert problems[0].rule == "the matrix is not square" and problems[0].value == "2x3"


def test_scale_saaty_refuses_values_above_nine():
    with pytest.raises(InvalidMatrixError, match=r"outside Saaty's scale \(got 12\)"):
        judgment_matrix([["1", "12"], ["", "1"]], ["a", "b"])
    assert judgment_matrix([["1", "12"], ["", "1"]], ["a", "b"],
                           scale="any_positive").array[0, 1] == 12


def test_analyse_refuses_a_matrix_that_is_not_reciprocal():
    with pytest.raises(InvalidMatrixError, match=r"cell \(a, b\).*not reciprocal"):
        analyse_matrix([[1, 3], [0.5, 1]], ["a", "b"])


def test_analyse_refuses_missing_judgments():
    with pytest.raises(InvalidMatrixError, match="judgment missing"):
        analyse_matrix([[1, np.nan], [np.nan, 1]], ["a", "b"])


# ---- groups -------------------------------------------------------------------------------------


def test_group_geometric_mean_by_hand():
    # GM of 2 and 8 is 4; with expert weights 3:1 it is 2^0.75 · 8^0.25 = 2^1.5
    a = np.array([[1, 2], [1 / 2, 1]])
    b = np.array([[1, 8], [1 / 8, 1]])
    assert combine_judgments([a, b])[0, 1] == pytest.approx(4.0, rel=1e-12)
    weighted = combine_judgments([a, b], [3, 1])
    assert weighted[0, 1] == pytest.approx(2 ** 1.5, rel=1e-12)
    assert weighted[1, 0] == pytest.approx(2 ** -1.5, rel=1e-12)


def test_group_refuses_bad_expert_weights():
    with pytest.raises(AppraisalError, match="positive"):
        combine_judgments([np.ones((2, 2))], [0])


# ---- completion ---------------------------------------------------------------------------------


def test_completion_refuses_disconnected_judgments():
    names = list("abcd")
    values = _matrix({("a", "b"): 3, ("c", "d"): 2}, names)
    with pytest.raises(DisconnectedJudgmentsError) as caught:
        complete_matrix(values, names, matrix_id="customer")
    message = str(caught.value)
    assert "matrix 'customer'" in message and "{a, b}; {c, d}" in message


@pytest.mark.parametrize("method", ["harker", "lambda_max_optimal"])
def test_completion_of_a_complete_matrix_is_the_identity(method):
    completion = complete_matrix(SOURCE, method=method)
    assert completion.filled == () and completion.method is None
    assert np.array_equal(completion.array, np.array(SOURCE, dtype=float))


@pytest.mark.parametrize("method", ["harker", "lambda_max_optimal"])
def test_completion_of_a_consistent_incomplete_matrix_is_exact(method):
    # by hand: a chain a:b = 2, b:c = 3, c:d = 4 determines a:c = 6, a:d = 24, b:d = 12
    names = list("abcd")
    values = _matrix({("a", "b"): 2, ("b", "c"): 3, ("c", "d"): 4}, names)
    completion = complete_matrix(values, names, method=method)
    filled = {(a, b): v for a, b, v in completion.filled}
    assert filled == pytest.approx({("a", "c"): 6, ("a", "d"): 24, ("b", "d"): 12}, rel=1e-6)


# ---- hierarchy ----------------------------------------------------------------------------------


def test_hierarchy_global_weight_is_dimension_times_local():
    dims = dict(zip(DIMENSIONS, priority_vector(SOURCE), strict=True))
    local = {"financial": {"rorac": 1.0},
             "customer": {"deposit_plan": 0.6, "loan_plan": 0.4},
             "internal_process": {"npl_ratio": 0.5, "feedback_360": 0.5},
             "learning_growth": {"training_hours": 0.25, "exam_score": 0.75}}
    result = hierarchy_weights(dims, local)
    assert result["customer"]["loan_plan"] == pytest.approx(dims["customer"] * 0.4, rel=1e-15)
    assert sum(v for d in result.values() for v in d.values()) == pytest.approx(1.0, abs=1e-12)


def test_hierarchy_refuses_missing_local_weights():
    with pytest.raises(HierarchyError, match="no indicator weights for dimension"):
        hierarchy_weights({"a": 0.5, "b": 0.5}, {"a": {"x": 1.0}})
    with pytest.raises(HierarchyError, match="sum to"):
        hierarchy_weights({"a": 1.0}, {"a": {"x": 0.5}})


def test_lambda_max_definition():
    w = priority_vector(SOURCE)
    assert lambda_max(SOURCE, w) == pytest.approx(np.mean(np.array(SOURCE) @ w / w), rel=1e-15)


# ---- properties ---------------------------------------------------------------------------------


@st.composite
def reciprocal_matrices(draw, min_n: int = 1, max_n: int = 9):
    n = draw(st.integers(min_n, max_n))
    values = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            value = draw(st.sampled_from(SAATY_SCALE))
            values[i, j], values[j, i] = value, 1.0 / value
    return values


@settings(max_examples=60, deadline=None)
@given(reciprocal_matrices(), st.sampled_from(["geometric_mean", "eigenvector"]))
def test_weights_are_positive_and_sum_to_one(values, method):
    result = analyse_matrix(values, method=method)
    assert all(w > 0 for w in result.weights)
    assert sum(result.weights) == pytest.approx(1.0, abs=1e-12)
    assert result.lambda_max >= len(values) - 1e-9  # Perron: λmax >= n for reciprocal matrices


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.01, 100), min_size=1, max_size=12),
       st.sampled_from(["geometric_mean", "eigenvector"]))
def test_consistent_matrix_returns_its_weights(raw, method):
    w = np.array(raw) / sum(raw)
    result = analyse_matrix(w[:, None] / w[None, :], method=method, ri_table="alonso_lamata_2006")
    assert result.weights == pytest.approx(tuple(w), rel=1e-8, abs=1e-12)
    assert abs(result.consistency_ratio) < 1e-8


@settings(max_examples=40, deadline=None)
@given(reciprocal_matrices(min_n=2), st.randoms(use_true_random=False),
       st.sampled_from(["geometric_mean", "eigenvector"]))
def test_permuting_criteria_permutes_weights(values, rng, method):
    order = list(range(len(values)))
    rng.shuffle(order)
    base = analyse_matrix(values, method=method)
    moved = analyse_matrix(values[np.ix_(order, order)], method=method)
    assert moved.weights == pytest.approx(tuple(base.weights[k] for k in order), abs=1e-10)
    assert moved.consistency_ratio == pytest.approx(base.consistency_ratio, abs=1e-10)


@settings(max_examples=30, deadline=None)
@given(reciprocal_matrices())
def test_group_of_one_expert_equals_that_expert(values):
    assert np.array_equal(combine_judgments([values]), values)
    assert np.array_equal(combine_judgments([values, values], [2.0, 5.0]), values)


@settings(max_examples=30, deadline=None)
@given(reciprocal_matrices(min_n=2), st.sampled_from(["harker", "lambda_max_optimal"]))
def test_completion_of_complete_matrices_is_the_identity(values, method):
    assert np.array_equal(complete_matrix(values, method=method).array, values)
