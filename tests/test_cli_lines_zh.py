"""The lines `close`, `history`, `history export`, `compare` and `sample` print speak the config's
language: with `language: zh` they are Chinese, no English word of their templates left and the
codes (status, version, paid) shown as Chinese; ids, periods, amounts, names and paths unchanged.
One small ledger (SQLite) is built once for the module: closed, closed again, revised, the next
month closed, each through the command line in process."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import test_history_helpers as helpers
from click.testing import CliRunner
from example_config import write_config
from test_history_helpers import Months, scaled_pay_base

from appraisal.cli import main
from appraisal.commands import compare as compare_module
from appraisal.commands import history as history_module
from appraisal.commands import sample as sample_module
from appraisal.console import fields_of
from appraisal.history.close import CloseOutcome
from appraisal.history.db import open_ledger

small_branch = helpers.small_branch
REASON = "花名册更正"


def _invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _literal(template: str) -> str:
    """A template without its `{fields}`."""
    return re.sub(r"\{[^{}]*\}", " ", template)


def _assert_no_english(text: str, book, keys: tuple[str, ...], *values: object) -> None:
    """No word (two letters or more) of the English templates of `keys`, nor a `v2`, in `text`
    once the field values that may hold letters (paths, user names, ids) are taken out."""
    for value in values:
        text = text.replace(str(value), " ")
    for key in keys:
        for word in set(re.findall(r"[A-Za-z]{2,}", _literal(book.entries[key][0]))):
            assert not re.search(rf"\b{word}\b", text), (key, word, text)
    assert not re.search(r"\bv\d", text), text


@pytest.fixture(scope="module")
def ledger(tmp_path_factory, small_branch) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("zh-lines")
    months = Months(folder, small_branch, str(folder / "ledger.sqlite"))
    january = months.run("2026-01")
    lines = SimpleNamespace(folder=folder, url=f"sqlite:///{folder / 'ledger.sqlite'}")
    lines.closed = _invoke("close", january, "--by", "王经理")
    lines.again = _invoke("close", january, "--by", "王经理")
    corrected = scaled_pay_base(small_branch, folder / "fixed", {"M0001": 1.5})
    lines.revised = _invoke("close", months.run("2026-01", revision=REASON, inputs=corrected),
                            "--by", "bob")
    _invoke("close", months.run("2026-02"), "--by", "alice")
    config = lines.config = months.config("2026-01")
    lines.listing = _invoke("history", "--config", config)
    lines.mine = _invoke("history", "--config", config, "--manager", "M0001")
    lines.none = _invoke("history", "--config", config, "--period", "2030-01")
    lines.by_url = _invoke("history", "--ledger", lines.url)
    lines.out = folder / "payroll.csv"
    lines.exported = _invoke("history", "export", "--config", config, "--out", lines.out)
    return lines


def test_close_lines_are_chinese(ledger):
    assert ledger.closed == "已将单位 BR01 的 2026-01 关账为第 1 版\n"
    assert ledger.again == "这些结果已关账为单位 BR01 的 2026-01 第 1 版；未作任何更改\n"
    assert re.fullmatch(r"已将单位 BR01 的 2026-01 关账为第 2 版（更正第 1 版；[1-9]\d* 名客户经理"
                        r"在下一个未关账期间获得追溯调整）\n", ledger.revised), ledger.revised
    for text in (ledger.closed, ledger.again, ledger.revised):
        _assert_no_english(text, history_module.LINES, ("already_closed", "closed", "revises"),
                           "BR01")


def test_history_lines_are_chinese(ledger):
    lines = ledger.listing.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("BR01 2026-01 第 1 版 已关账：6 名客户经理，实发奖金 ")
    assert "，奖金池上期结转 " in lines[0] and "、结转下期 " in lines[0]
    assert "；关账人 王经理（" in lines[0] and "），关账时间 20" in lines[0]
    assert lines[1].startswith("BR01 2026-01 第 2 版 已关账：")
    assert "关账人 bob（" in lines[1] and lines[1].endswith(f"；原因：{REASON}")
    assert lines[2].startswith("BR01 2026-02 第 1 版 已关账：") and "关账人 alice（" in lines[2]
    for line in lines:
        at = line.rpartition("关账时间 ")[2].partition("；")[0]
        user = line.split("关账人 ")[1].split("，关账时间")[0]
        _assert_no_english(line, history_module.LINES, ("period_row", "reason", "status_closed"),
                           "BR01", user, at)
    assert ledger.none == "没有符合条件的已关账期间\n"


def test_one_managers_history_is_chinese(ledger):
    lines = ledger.mine.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(r"BR01 2026-01 第 1 版（已发放）：实发奖金 -?[\d.]+，追溯调整 0\.00",
                        lines[0]), lines[0]
    assert re.fullmatch(r"BR01 2026-01 第 2 版：实发奖金 -?[\d.]+，追溯调整 0\.00；本次更正在下一期"
                        r"形成追溯调整 -?[\d.]+", lines[1]), lines[1]
    assert re.fullmatch(rf"BR01 2026-02 第 1 版（已发放）：实发奖金 -?[\d.]+，追溯调整 -?[\d.]+，"
                        rf"来源 2026-01 第 2 版：{REASON}", lines[2]), lines[2]
    for line in lines:
        _assert_no_english(line, history_module.LINES,
                           ("manager_row", "paid", "retro_from", "retro_owed"), "BR01")


def test_history_by_ledger_url_speaks_the_language_its_versions_were_closed_in(ledger, tmp_path):
    assert ledger.by_url == ledger.listing
    empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    open_ledger(empty).dispose()  # a ledger nothing was closed in: no language of its own
    assert _invoke("history", "--ledger", empty) == "no closed period matches\n"


def test_history_export_line_is_chinese(ledger):
    rows = len(ledger.out.read_text(encoding="utf-8-sig").splitlines()) - 1
    assert rows == 18  # 6 managers in three versions
    assert ledger.exported == f"已将 {rows} 行写入 {ledger.out}\n"
    _assert_no_english(ledger.exported, history_module.LINES, ("exported",), ledger.out)


def test_history_json_is_the_same_in_both_languages(ledger):
    json_text = _invoke("history", "--config", ledger.config, "--json")
    assert '"status": "closed"' in json_text and "已关账" not in json_text


def test_compare_line_follows_the_proposal_language(ledger, small_branch):
    raw = Months(ledger.folder, small_branch, ledger.url).raw("2026-01")
    raw.pop("history")
    (ledger.folder / "scheme").mkdir()
    config = write_config(ledger.folder / "scheme", raw, inputs_from=small_branch)
    out = ledger.folder / "cmp"
    change = "bonus.shared_pool.withhold_rate=0.1"
    zh = _invoke("compare", config, config, "--out", out, "--set", change)
    amount = r"-?[\d.]+"
    assert re.fullmatch(rf"两个方案共有 6 名客户经理；实发奖金合计 {amount} → {amount}"
                        rf"（{amount}）；\d+ 人等级变化，\d+ 人奖金增加，\d+ 人奖金减少；"
                        rf"结果已写入 {re.escape(str(out))}\n", zh), zh
    _assert_no_english(zh, compare_module.LINES, ("done",), out)
    en = _invoke("compare", config, config, "--out", out, "--force", "--set", change,
                 "--set", "language=en")
    assert re.fullmatch(rf"6 managers in both schemes; final bonus {amount} -> {amount} "
                        rf"\({amount}\); \d+ grade change\(s\), \d+ paid more, \d+ paid less; "
                        rf"results in {re.escape(str(out))}\n", en), en


def test_sample_line_is_english_and_has_its_chinese(tmp_path):
    """`sample` names and writes no config, so it has no language to follow: English."""
    out = tmp_path / "branch"
    line = _invoke("sample", "--managers", "3", "--accounts", "10", "--out", out)
    assert line == (f"sample branch: 3 managers, 10 accounts, period 2026-10, seed 2026: "
                    f"8 tables in {out}\n")
    zh = sample_module.LINES("done", "zh", managers=1200, accounts=20_000, period="2026-10",
                             seed=7, tables=8, out=out)
    assert zh == (f"样例分行：1,200 名客户经理，20,000 个账户，考核期间 2026-10，随机种子 7："
                  f"8 张表已写入 {out}")
    _assert_no_english(zh, sample_module.LINES, ("done",), out)


def test_close_line_in_english_is_as_before():
    expected = {
        CloseOutcome("BR01", "2026-01", 1, False, None, 0, 100):
            "closed 2026-01 of unit BR01 as version 1",
        CloseOutcome("BR01", "2026-01", 1, True, None, 0, 100):
            "these results are already closed as 2026-01 version 1 of unit BR01; nothing changed",
        CloseOutcome("BR01", "2026-Q1", 3, False, 2, 4, 100):
            "closed 2026-Q1 of unit BR01 as version 3 (revises version 2; 4 manager(s) get a "
            "retro adjustment in the next open period)",
    }
    for outcome, line in expected.items():
        assert history_module.close_line(outcome, "en") == line


def test_retro_sources_show_each_period_and_version():
    row = {"unit": "BR01", "period": "2026-05", "version": 1, "payable": True,
           "bonus_final": "10.00", "retro_adjustment": "-2.00", "retro_created": "0.00",
           "retro_source": "2026-03 v2: fix v2: roster; 2026-Q1 v3: late"}
    assert history_module.history_line(row, "zh", manager=True) == (
        "BR01 2026-05 第 1 版（已发放）：实发奖金 10.00，追溯调整 -2.00，来源 2026-03 第 2 版：fix "
        "v2: roster；2026-Q1 第 3 版：late")
    assert history_module.history_line(row, "en", manager=True) == (
        "BR01 2026-05 v1 (paid): final 10.00, retro -2.00 from 2026-03 v2: fix v2: roster; "
        "2026-Q1 v3: late")


def test_chinese_lines_hold_no_latin_letters_but_their_fields():
    for book in (history_module.LINES, compare_module.LINES, sample_module.LINES):
        for key, (english, chinese) in book.entries.items():
            assert fields_of(english) == fields_of(chinese)
            assert not re.search(r"[A-Za-z]", _literal(chinese)), (book.name, key, chinese)


def test_history_export_by_ledger_url_errors_in_the_ledgers_language(ledger, tmp_path):
    """`history export --ledger URL` names no config: once the ledger is read, an error (here
    the CSV cannot be written: exit 4, nothing written) is worded in the language its versions
    were closed in."""
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["history", "export", "--ledger", ledger.url, "--out",
                                       str(blocker / "payroll.csv")], catch_exceptions=False)
    assert result.exit_code == 4, result.output  # a folder that cannot be written
    assert result.output.startswith(f"错误：无法写入 {blocker / 'payroll.csv'}（"), \
        result.output
    assert "未写入任何文件" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
