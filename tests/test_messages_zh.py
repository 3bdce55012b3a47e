"""Error texts in Chinese (appraisal.messages): the same facts (file, row, column, value,
expectation, key path); English prose only where the catalog has no entry, and rarely."""

from __future__ import annotations

import json
import re
from pathlib import Path

from appraisal.errors import ConfigError, InputError, InputIssue, IssueCode
from appraisal.messages import describe_issue, error_text, translate, untranslated
from appraisal.messages_zh import CATALOG, WORDS

CORPUS = Path(__file__).parent / "data" / "messages_corpus.json"
"""Every distinct rule, expectation, config problem and error text the test suite's bad inputs
produced (collected by recording `IssueTable` and `ConfigError` construction in a pytest run)."""

_ENGLISH_PROSE = re.compile(
    r"\b(the|an?|of|is|are|not|to|in|and|or|with|for|be|must|no|on|by|from|than|at|as|it|this|"
    r"that|has|have|got|expected|row|rows|column|file|found|missing|empty|unknown|needs?|"
    r"give|set|one|each|every|only|more|less|here)\b", re.IGNORECASE)


def _prose_left(chinese: str) -> list[str]:
    """English function words left in a Chinese text, outside quotes, backticks and braces."""
    bare = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"|“[^”]*”|\{[^{}]*\}|\S+[/\\]\S+|--[\w-]+"
                  r"|\w+[._=]\w+|\w+: \w+", " ", chinese)
    return _ENGLISH_PROSE.findall(bare)


KNOWN_ENGLISH_ERRORS = 0
"""Texts of other errors that print in English under `language: zh`: none (the count may only
fall; a library's reason quoted inside a text stays as the library wrote it)."""


def test_every_collected_message_translates_without_english_prose():
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    texts = [*data["rule"], *data["expected"], *data["config"]]
    assert len(texts) > 100
    missed = {text: untranslated(text) for text in texts if untranslated(text)}
    assert not missed, f"{len(missed)} of {len(texts)} texts fall back to English: {missed}"
    library = ("not valid YAML", "DuckDB refuses")  # a library's own reason, quoted as it is
    leaks = {text: _prose_left(translate(text)) for text in texts
             if _prose_left(translate(text)) and not any(word in text for word in library)}
    assert not leaks, leaks


def test_other_error_texts_fall_back_to_english_no_more_often_than_today():
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    assert sum(1 for text in data["error"] if untranslated(text)) <= KNOWN_ENGLISH_ERRORS


def test_the_catalog_chinese_holds_no_english_prose():
    for english, chinese in (*WORDS.items(), *CATALOG):
        assert not _prose_left(re.sub(r"\{\w+\}", "", chinese)), (english, chinese)


def test_an_unknown_message_falls_back_to_english_and_never_raises():
    text = "a brand new rule nobody translated yet"
    assert translate(text) == text
    assert untranslated(text) == [text]
    issue = InputIssue("b.csv", 4, "余额", text, "x", "", code=IssueCode.INCONSISTENT)
    assert describe_issue(issue, "zh") == f"b.csv，第 4 行，列“余额”：{text}（实际为 'x'）"


def test_an_input_issue_keeps_file_row_column_value_and_expectation():
    issue = InputIssue("input/business.csv", 3, "product", "unknown product (1 row, first shown)",
                       "Y", "one of the ids in rorac.products: demand_deposit, time_deposit",
                       code=IssueCode.UNKNOWN_ID)
    assert describe_issue(issue, "zh") == (
        "input/business.csv，第 3 行，列“product”：未知的产品（1 行，显示第一行）（实际为 'Y'）；"
        "要求：rorac.products 中的编号之一：demand_deposit, time_deposit")
    assert describe_issue(issue, "en") == issue.describe()


def test_a_config_error_in_chinese_names_the_key_path():
    key = "bonus.shared_pool.withhold_rate"
    error = ConfigError("config.yaml", [(key, "must be <= 1, got 2")])
    assert error_text(error, "zh") == f"config.yaml：{key}：必须 <= 1（实际为 2）"
    assert error_text(error, "en") == str(error)


def test_many_issues_are_counted_in_chinese():
    issues = [InputIssue("m.csv", row, "hire_date", "not a valid date", "x", "a date",
                         code=IssueCode.NOT_A_DATE) for row in range(2, 62)]
    text = error_text(InputError(issues), "zh")
    assert text.startswith("输入数据中有 60 个问题：")
    assert "…… 另有 10 个问题" in text
    assert "    m.csv，列“hire_date”：不是有效日期：60" in text


def test_engine_texts_not_in_the_corpus_translate_and_keep_the_library_reason():
    spark = ("Spark could not start a session on master 'spark://nowhere:7077' with options "
             "{'spark.executor.memory': '8g'}: Failed to connect to master nowhere:7077")
    assert translate(spark) == ("Spark 无法在 master 'spark://nowhere:7077' 上以选项 "
                                "{'spark.executor.memory': '8g'} 启动会话："
                                "Failed to connect to master nowhere:7077")
    duckdb = ("the SQL engine (DuckDB) ran out of temporary disk over the account data (No space "
              "left on device); nothing was written. Give it more: engine.options.memory_limit "
              "(now DuckDB's default, 80% of the machine's memory), fewer engine.options.threads "
              "(each holds its own share), or engine.options.temp_directory on a disk with room "
              "for what it spills (docs/kernel.md, \"Memory\")")
    assert translate(duckdb).startswith("SQL 引擎（DuckDB）处理账户数据时临时磁盘空间不足"
                                        "（No space left on device）")
    for text in (spark, duckdb, "Spark could not start a session on master 'local[2]' with "
                 "options {}: Invalid master URL",
                 "spark: pyspark is not installed (pip install -e '.[spark]')",
                 "the table changed while the run read it", "a table no job writes to during "
                 "the run (run again once the job that writes it has finished)"):
        assert not untranslated(text), text


def test_a_report_of_several_lines_keeps_its_indents_and_bullets():
    text = ("1 problem in the judgment matrix:\n  - matrix 'm', cell (a, b): judgment missing; "
            "expected a value in this cell or in its mirror cell")
    assert translate(text) == ("判断矩阵中有 1 个问题：\n"
                               "  - 判断矩阵 'm' 的单元格 (a, b)：缺少判断值；"
                               "要求：在此单元格或其对称单元格中填写一个值")


def test_spark_failures_mid_run_translate_with_their_settings():
    from appraisal.kernel.engines import spark_fault

    class Py4JNetworkError(Exception):
        pass

    for error, options in ((RuntimeError("java.lang.OutOfMemoryError: Java heap space"), {}),
                           (Py4JNetworkError("Answer from Java side is empty"),
                            {"spark.driver.memory": "8g"}),
                           (RuntimeError("SparkException: Job aborted: ExecutorLostFailure"),
                            {"spark.executor.memory": "4g"})):
        fault = spark_fault(error, "local[2]", options)
        assert fault is not None
        assert not untranslated(str(fault)), str(fault)
        chinese = translate(str(fault))
        assert "master 'local[2]'" in chinese and "没有写入任何文件" in chinese
        assert "spark.driver.memory（当前为 " + options.get("spark.driver.memory",
                                                        "Spark 的默认值") in chinese
