"""The command line's help (`-h`, `--help`) in Chinese.

The help is Chinese when the command line names a zh config (or a results folder whose run was
zh; `commands.language.usage_language`), else when the locale asks for Chinese (`LC_ALL`,
`LC_MESSAGES` or `LANG` starting with `zh`). Each command's docstring and each option's help
has its Chinese in `HELP_ZH`, keyed by the English text (a test holds every command and option
to it); the option names, metavars and the usage line's syntax stay as typed.

`install(group)` gives every command of the tree a context whose help formatter translates; click's
own texts (Usage, Options, Commands, default, required) are translated here too.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Iterator, Sequence
from typing import Any

import click

from ..console import width
from ..messages import Language
from .language import usage_language

__all__ = ["ARGV", "HELP_ZH", "help_language", "help_texts", "install"]

HELP_ZH: dict[str, str] = {
    # appraise
    "Appraise customer managers and compute their bonuses, with an audit trail.":
        "客户经理绩效考核与奖金计算，附完整审计轨迹。",
    "Show the version and exit.": "显示版本并退出。",
    "Show this message and exit.": "显示本帮助并退出。",
    # run
    "Run the whole appraisal for CONFIG and write the results to a folder.":
        "按 CONFIG 运行完整的考核，并将结果写入一个文件夹。",
    "Output folder (default: output.dir of the config).": "输出文件夹（默认：配置的 output.dir）。",
    "Replace an existing output folder.": "替换已存在的输出文件夹。",
    "Nothing on stderr but errors (no progress, no library warnings).":
        "stderr 上只显示错误（不显示进度和库的警告）。",
    "Write one statement per manager (default: output.statements of the config).":
        "为每名客户经理写一份绩效单（默认：配置的 output.statements）。",
    "Re-run a closed period (history: ledger) as its next version, for this reason; its "
    "differences are paid in the next open period.":
        "以此原因重新运行已关账的期间（history: 台账），作为其下一版；差额在下一个未关账期间支付。",
    "Override a config key by its path, e.g. bonus.shared_pool.withhold_rate=0.1 or "
    "scorecard.grading.grades[0].min_score=105 (repeatable; validated like the file; recorded "
    "in the manifest).":
        "按路径覆盖一个配置项，如 bonus.shared_pool.withhold_rate=0.1 或 "
        "scorecard.grading.grades[0].min_score=105（可重复；与配置文件一样校验；记入 manifest）。",
    "Add the weight-sensitivity and incentive-balance tables (docs/design-tools.md).":
        "增加权重敏感性表和激励均衡表（docs/design-tools.md）。",
    # validate
    "Check CONFIG and every input it names in one pass; write nothing else.":
        "一次检查 CONFIG 及其引用的全部输入；不写入其他任何文件。",
    "Write every input issue to this CSV (UTF-8 with BOM, for Excel; header only when there is "
    "none). Exit code 2 when there are issues.":
        "将全部输入问题写入此 CSV（带 BOM 的 UTF-8，可用 Excel 打开；没有问题时只有表头）。"
        "有问题时退出码为 2。",
    "Override a config key by its path, as `appraise run --set` does (repeatable): check the "
    "run you are about to start.":
        "按路径覆盖一个配置项，与 `appraise run --set` 相同（可重复）：检查即将开始的运行。",
    # compare
    "Compare scheme PROPOSAL with BASE on the same inputs: per manager, grade migration,\n"
    "cost by unit, winners and losers, structure; a workbook and CSVs.":
        "在相同输入上比较方案 PROPOSAL 与 BASE：逐名客户经理、等级迁移、各单位成本、\n"
        "增减最多者、结构；输出工作簿和 CSV。",
    "Output folder (default: compare-<period> beside PROPOSAL).":
        "输出文件夹（默认：PROPOSAL 旁的 compare-<期间>）。",
    "Override a key of the PROPOSAL config by its path (repeatable).":
        "按路径覆盖 PROPOSAL 配置的一个配置项（可重复）。",
    "How many winners and losers to list.": "列出增加最多和减少最多的人数。",
    # weights
    "Show AHP weights, λmax, CI, RI, CR, the verdict and diagnostics.\n\n"
    "FILE is a CSV or XLSX matrix: the first row and the first column are the criterion\n"
    "names; the cells are numbers or fractions (1/3); a blank pair is completed (Harker).\n"
    "Exit 0 when consistent, 3 when not, 2 for bad input.":
        "显示 AHP 权重、λmax、CI、RI、CR、检验结论和诊断。\n\n"
        "FILE 为 CSV 或 XLSX 判断矩阵：第一行和第一列是指标名称；单元格为数字或分数（1/3）；\n"
        "空缺的成对比较按 Harker 法补全。一致时退出码 0，不一致时 3，输入有误时 2。",
    "Check every AHP matrix of this config (with its judgments file).":
        "检查此配置的全部 AHP 判断矩阵（连同其判断矩阵文件）。",
    "Weight method (default: geometric-mean, or the config's weights.method).":
        "权重计算方法（默认：geometric-mean，或配置的 weights.method）。",
    "Random-index table (default: saaty_1980, or the config's).":
        "随机一致性指标表（默认：saaty_1980，或配置中的设置）。",
    "CR acceptance threshold (default 0.10, or the config's).":
        "CR 接受阈值（默认 0.10，或配置中的设置）。",
    "Worksheet of an XLSX FILE (default: the first).":
        "XLSX 文件 FILE 中的工作表（默认：第一个）。",
    "Print one JSON object.": "输出一个 JSON 对象。",
    "With --config: also the smallest change of every weight that changes a manager's grade "
    "(runs the whole appraisal; docs/design-tools.md).":
        "与 --config 同用：同时给出使某名客户经理等级改变的每个权重的最小变动"
        "（运行完整考核；docs/design-tools.md）。",
    # sample
    "Write a synthetic branch (roster, accounts, indicators, ratings, judgments, pool\n"
    "allocations) to OUT: deterministic for a given seed, see docs/sample.md.":
        "将一个模拟分行（名册、账户、指标、评价、判断矩阵、奖金池分配）写入 OUT：\n"
        "同一随机种子结果相同，见 docs/sample.md。",
    "Number of customer managers.": "客户经理人数。",
    "Number of accounts (about 5% split between two managers).":
        "账户数（约 5% 由两名客户经理分成）。",
    "Folder to write the tables into (created if missing).": "写入各表的文件夹（不存在时创建）。",
    "Random seed: the same arguments always give the same bytes.":
        "随机种子：相同参数总是生成完全相同的文件。",
    "Appraisal period: 2026-10, 2026-Q4, 2026-H2 or 2026.":
        "考核期间：2026-10、2026-Q4、2026-H2 或 2026。",
    "CSV (UTF-8 with BOM, opens in Excel) or Parquet.":
        "CSV（带 BOM 的 UTF-8，可用 Excel 打开）或 Parquet。",
    "Replace sample tables already in the folder.": "替换文件夹中已有的样例表。",
    # close
    "Record RESULTS (an unmodified `appraise run` folder) as the next version of its period.":
        "将 RESULTS（未经修改的 `appraise run` 结果文件夹）记录为其期间的下一版（关账）。",
    "Who closes the period (recorded with the OS user).": "关账人（与操作系统用户一并记录）。",
    "A note recorded with the version.": "随该版本记录的备注。",
    "Config whose history: ledger to use (default: the run's own config).":
        "使用其 history: 台账的配置（默认：该次运行自己的配置）。",
    # history
    "Closed periods and versions (who, when, why, totals); with --manager, one manager's pay.":
        "已关账的期间和版本（关账人、时间、原因、合计）；用 --manager 时显示一名客户经理的薪酬。",
    "Config whose history: section names the ledger.": "其 history: 部分指定台账的配置。",
    "Ledger URL (sqlite:///path, or a plain path of a SQLite file, or "
    "postgresql+psycopg://user@host/db; password from PGPASSWORD).":
        "台账 URL（sqlite:///路径，或 SQLite 文件的普通路径，或 postgresql+psycopg://user@host/db；"
        "密码取自 PGPASSWORD）。",
    "Only this unit.": "只看此单位。",
    "Only this period.": "只看此期间。",
    "One manager's pay in every period.": "一名客户经理在每个期间的薪酬。",
    "JSON (money in int cents).": "JSON（金额为整数分）。",
    "Write every closed version's pay per manager as CSV for the payroll system.":
        "将每个已关账版本的逐人薪酬写成 CSV，供工资系统导入。",
    "CSV to write (UTF-8 with BOM, amounts in yuan).":
        "要写入的 CSV（带 BOM 的 UTF-8，金额单位为元）。",
}
"""English help text -> Chinese (whole texts as click shows them, before `[default: …]`)."""

_HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
_HELP = "appraise.help_language"
ARGV = "appraise.argv"
"""ctx.meta key: the command line as typed (set by the root group before parsing)."""


def help_language(args: Sequence[str]) -> Language:
    """The help's language: a named zh config's (or results folder's), else the locale's."""
    named = usage_language(args)
    if named == "zh":
        return "zh"
    if any(a.endswith((".yaml", ".yml")) for a in args):  # an en config was named
        return "en"
    locale = (os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES")
              or os.environ.get("LANG") or "")
    return "zh" if locale.lower().startswith("zh") else "en"


def _translated(text: str) -> str:
    return HELP_ZH.get(text, text)


_EXTRA = re.compile(r"^(?P<help>.*?)(?:\s{2}\[(?P<extra>[^\[\]]*)\])?$", re.DOTALL)


def _option_help(text: str) -> str:
    """An option's help with click's `[default: x; range]` / `[required]` after it."""
    found = _EXTRA.match(text)
    if found is None:
        return text
    shown = _translated(found["help"]) if found["help"] else ""
    extra = found["extra"]
    if extra is None:
        return shown
    extra = extra.replace("default: ", "默认：").replace("required", "必填")
    return f"{shown}  [{extra.replace('; ', '；')}]"


_TOKEN = re.compile(r"\s+|[（「『《“‘]*(?:[\x21-\x7e]+|.)", re.DOTALL)
"""A space, a run of ASCII (a word, key or path), or one other character; opening brackets
stay with what follows them, so no line ends with one."""
_CJK_BREAK = re.compile(r"(?<=[^\x00-\x7f])[ \t]*\n[ \t]*(?=[^\x00-\x7f])")
"""A line break between two CJK characters of the source text: joined without a space."""
_NEWLINE = re.compile(r"[ \t]*\n[ \t]*")
_NO_LINE_START = frozenset("，。；：、）」』》！？％,.;:)]")


def wrap_cjk(text: str, columns: int) -> list[str]:
    """`text` in lines of at most `columns` terminal columns (a CJK character takes two),
    broken between CJK characters or at spaces, never inside a word, key or path a person
    types (`bonus.shared_pool.withhold_rate=0.1`), nor before closing punctuation (the
    character before it goes down with it). Only a word longer than a line runs over."""
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        line: list[str] = []
        joined = _NEWLINE.sub(" ", _CJK_BREAK.sub("", paragraph.strip()))
        for token in _TOKEN.findall(joined):
            if token.isspace():
                if line:
                    line.append(token)
                continue
            if line and width("".join(line) + token) > columns:
                carried: list[str] = []
                if token[0] in _NO_LINE_START and len(line) > 1 and not line[-1].isspace():
                    carried = [line.pop()]
                lines.append("".join(line).rstrip())
                line = carried
            line.append(token)
        lines.append("".join(line).rstrip())
        lines.append("")
    return lines[:-1]


class _ZhFormatter(click.HelpFormatter):
    """click's help formatter, writing the Chinese of each text it is given, wrapped by
    terminal columns (`wrap_cjk`)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        lines = wrap_cjk(_translated(text), max(self.width - self.current_indent, 11))
        self.write("\n".join(indent + line if line else "" for line in lines) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = [(term, _option_help(text) if text else text) for term, text in rows]
        first_col = min(max((width(term) for term, _ in rows), default=0), col_max) + col_spacing
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - width(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_cjk(text, max(self.width - first_col - 2, 10))
            hang = " " * (first_col + self.current_indent)
            self.write("\n".join([lines[0], *(hang + line if line else "" for line in lines[1:])])
                       + "\n")


class _Context(click.Context):
    """A context whose help follows `help_language` (decided once, on the root context)."""

    def make_formatter(self) -> click.HelpFormatter:
        root = self.find_root()
        if root.meta.get(_HELP) is None:
            root.meta[_HELP] = help_language(root.meta.get(ARGV, ()))
        if root.meta[_HELP] == "zh":
            return _ZhFormatter(width=self.terminal_width, max_width=self.max_content_width)
        return super().make_formatter()


def _short_helps_in_chinese(group: click.Group) -> None:
    """The command lists show each command's first Chinese sentence (click would cut the
    English one)."""
    original = group.format_commands

    def format_commands(ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not isinstance(formatter, _ZhFormatter):
            original(ctx, formatter)
            return
        rows = []
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = _translated(inspect.cleandoc(command.help or "")).split("\n\n")[0]
            rows.append((name, text.replace("\n", "").split("。")[0] + "。"))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    group.format_commands = format_commands  # type: ignore[method-assign]


def _tree(command: click.Command) -> Iterator[click.Command]:
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _tree(sub)


def install(group: click.Group) -> None:
    """Give every command under `group` the translating help."""
    names = group.context_settings.get("help_option_names", ["--help"])
    for command in _tree(group):
        command.context_class = _Context
        # each command's own: click keeps a command's help option once made, so a command
        # invoked on its own (a test, a script) first must not leave it without -h
        command.context_settings.setdefault("help_option_names", list(names))
        if isinstance(command, click.Group):
            _short_helps_in_chinese(command)


def help_texts(group: click.Group) -> list[str]:
    """Every help text of the tree a person may ask for (for the test that each has its
    Chinese)."""
    texts: list[Any] = ["Show this message and exit."]
    for command in _tree(group):
        texts.append(inspect.cleandoc(command.help or ""))
        texts += [p.help for p in command.params if isinstance(p, click.Option) and p.help]
    return list(dict.fromkeys(texts))
