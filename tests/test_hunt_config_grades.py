"""Grades are listed best first; a better grade whose pay coefficient is below a worse one's
(a typo, or the list written worst first under forced distribution, which no score bound
catches) is refused naming both grades, never paid as written."""

from __future__ import annotations

from example_config import refused_run


def _run(folder, language, change):
    return refused_run(folder, language, lambda raw: change(raw["scorecard"]["grading"]))


def test_a_better_grade_paying_less_is_refused(tmp_path):
    def change(grading):
        grading["grades"][0]["coefficient"] = 0.1

    assert _run(tmp_path / "en", "en", change) == (2, (
        "error: CONFIG: scorecard.grading: grade A pays less than the grade below it, B "
        "(coefficient 0.1 < 1.2): grades are listed best first, their coefficients never rising "
        "down the list\n"))
    assert _run(tmp_path / "zh", "zh", change) == (2, (
        "错误：CONFIG：scorecard.grading：等级 A 的绩效工资调节系数低于其下一等级 B"
        "（系数 0.1 < 1.2）：等级须按从优到差的顺序列出，系数自上而下不得升高\n"))


def test_forced_grades_written_worst_first_are_refused(tmp_path):
    def change(grading):
        grading["method"] = "forced"
        grading["grades"].reverse()
        for grade in grading["grades"]:
            grade["min_score"] = None

    code, output = _run(tmp_path / "en", "en", change)
    assert code == 2
    assert "grade E pays less than the grade below it, D (coefficient 0.5 < 0.8)" in output


def test_equal_coefficients_are_allowed():
    from appraisal.config.scorecard import GradingConfig

    grading = GradingConfig.model_validate({"grades": [
        {"id": "A", "min_score": 100, "coefficient": 1.0}, {"id": "B", "coefficient": 1.0}]})
    assert [g.coefficient for g in grading.grades] == [1.0, 1.0]
