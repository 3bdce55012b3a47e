"""The one configuration schema of `appraise` (documented in docs/config.md).

`load_config(path)` reads YAML with a safe loader, validates it with the pydantic models of every
section and turns any problem into a `ConfigError` naming the file and the key path.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from ..analysis.config import AnalysisConfig
from ..errors import ConfigError
from .base import PERIOD_YEARS, DisplayText, Period, StrictModel, parse_period
from .bonus import BonusConfig
from .deferral import ClawbackConfig, DeferralConfig
from .engine import EngineConfig
from .history import HistoryConfig
from .inputs import InputsConfig, TableSource
from .report import OutputConfig
from .rorac import RoracConfig
from .scorecard import Rule, ScorecardConfig
from .weights import WeightsConfig

__all__ = [
    "AppraisalConfig",
    "BonusConfig",
    "ClawbackConfig",
    "DeferralConfig",
    "EngineConfig",
    "HistoryConfig",
    "InputsConfig",
    "LoadedConfig",
    "OutputConfig",
    "Period",
    "RoracConfig",
    "ScorecardConfig",
    "TableSource",
    "UnitConfig",
    "WeightsConfig",
    "apply_overrides",
    "load_config",
    "parse_config",
]


class UnitConfig(StrictModel):
    """The organisational unit being appraised."""

    id: DisplayText = Field(min_length=1, description="unit id, shown in outputs and the manifest")
    name: DisplayText = Field("", description="display name (e.g. 滨江分行)")
    level: Literal["bank", "branch", "sub_branch", "team"] = Field(
        "branch", description="organisational level of the unit"
    )


class AppraisalConfig(StrictModel):
    """Root of config.yaml."""

    period: str = Field(description="appraisal period: 2026-10, 2026-Q4, 2026-H2 or 2026")
    unit: UnitConfig = Field(description="the unit being appraised")
    language: Literal["zh", "en"] = Field(
        "zh", description="language of headers, sheet names, charts and statements"
    )
    inputs: InputsConfig = Field(description="input tables (docs/inputs.md)")
    rorac: RoracConfig = RoracConfig()
    weights: WeightsConfig = WeightsConfig()
    scorecard: ScorecardConfig = ScorecardConfig()
    bonus: BonusConfig = BonusConfig()
    output: OutputConfig = OutputConfig()
    history: HistoryConfig | None = Field(
        None, description="the ledger of closed periods (docs/history.md); none: runs stand alone"
    )
    engine: EngineConfig = EngineConfig()
    # Left out of dumps (manifest, Run sheet) so a plain run's outputs do not change; a run
    # that adds analysis tables records the settings it used in its audit.
    analysis: AnalysisConfig = Field(AnalysisConfig(), exclude=True,
                                     description="design tools (docs/design-tools.md)")
    deferral: DeferralConfig | None = Field(
        None, description="deferred performance pay (docs/deferral.md); needs history:")
    clawback: ClawbackConfig | None = Field(
        None, description="clawback recovery caps (docs/deferral.md); needs deferral:")

    @field_validator("period", mode="before")
    @classmethod
    def _check_period(cls, value: Any) -> str:
        parse_period(str(value))
        return str(value).strip()

    @property
    def appraisal_period(self) -> Period:
        return parse_period(self.period)

    @model_serializer(mode="wrap")
    def _omit_absent_history(self, handler: Any) -> Any:
        """Without a ledger the resolved config (manifest, workbook) reads as before history
        existed: runs without `history:` stay byte-identical."""
        data = handler(self)
        if self.history is None and isinstance(data, dict):
            data.pop("history", None)
        if isinstance(data, dict):
            for key in ("deferral", "clawback"):
                if getattr(self, key) is None:
                    data.pop(key, None)
        return data

    @model_validator(mode="after")
    def _carry_in_from_history(self) -> AppraisalConfig:
        if self.bonus.shared_pool.carry_in == "from_history" and self.history is None:
            raise ValueError("bonus.shared_pool.carry_in: from_history needs a history: section "
                             "(the ledger the carry-in is read from)")
        if self.deferral is not None and self.history is None:
            raise ValueError("deferral: needs a history: section (the ledger that holds the "
                             "deferred tranches)")
        if self.clawback is not None and self.deferral is None:
            raise ValueError("clawback: needs a deferral: section")
        return self

    def deferral_warnings(self) -> list[str]:
        """Config warnings recorded in the manifest when deferral is configured."""
        if self.deferral is None:
            return []
        warnings = []
        guarantee = self.bonus.limits.minimum_guarantee
        if guarantee is not None and (guarantee.within_months_of_hire is None
                                      or guarantee.within_months_of_hire > 12):
            months = guarantee.within_months_of_hire
            warnings.append(
                "bonus.limits.minimum_guarantee applies beyond a new hire's first year "
                f"(within_months_of_hire: {months if months is not None else 'unset'}); "
                "稳健薪酬监管指引 allows a guaranteed bonus only in the first year")
        warnings += [f"deferral.groups.{group}: share below the floor, justified: {text}"
                     for group, text in self.deferral.justifications().items()]
        return warnings


class LoadedConfig(typing.NamedTuple):
    """A validated config with the file it came from (input paths resolve against its folder)."""

    config: AppraisalConfig
    path: Path
    raw: dict[str, Any]
    overrides: tuple[str, ...] = ()
    """`--set KEY=VALUE` overrides applied on top of the file, as given."""

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def resolve(self, source: TableSource) -> Path:
        candidate = Path(source.path).expanduser()
        return candidate if candidate.is_absolute() else (self.base_dir / candidate)


def _model_at(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Walk `loc` through nested models; the model that owns the last key, if any."""
    current: Any = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            current = _unwrap_model(current)
            if current is None:
                return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _unwrap_model(field.annotation)
        if current is None:
            return None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset, dict, typing.Union, types.UnionType) or args:
        for arg in args:
            found = _unwrap_model(arg)
            if found is not None:
                return found
    return None


def _key_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(part, str) and (part.startswith("function-") or "[" in part):
            continue  # pydantic validator/union tags, not user keys
        else:
            path += ("." if path else "") + str(part)
    return path


_EXPECTED_TYPES = {
    "float_type": "a number",
    "int_type": "a whole number",
    "string_type": "a text",
    "bool_type": "true or false",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "list_type": "a list",
    "tuple_type": "a list",
}
"""pydantic's type errors (strict mode: nothing is coerced) and what the key must hold."""


def _as_written(value: Any) -> str:
    """A YAML value as a person wrote it: null, true/false, a quoted text, a number."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(value)


def _looks_numeric(text: str) -> bool:
    try:
        float(text.strip().replace(",", "").removesuffix("%"))
    except ValueError:
        return False
    return True


def _type_problem(kinds: Sequence[str], value: Any, expected: str = "") -> str:
    """A value of the wrong type (`kinds`: pydantic's type errors, one per alternative), with
    the way out when YAML read it as something else than meant."""
    expected = expected or " or ".join(dict.fromkeys(_EXPECTED_TYPES[kind] for kind in kinds))
    if ({"float_type", "int_type"} & set(kinds) and isinstance(value, str)
            and _looks_numeric(value)):
        return f"must be {expected}, got the text {value!r}; write numbers without quotes"
    if "string_type" in kinds and isinstance(value, int | float) and not isinstance(value, bool):
        return f"must be {expected}, got the number {value!r}; put it in quotes"
    return f"must be {expected}, got {_as_written(value)}"


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind in _EXPECTED_TYPES:
        return _type_problem([kind], value)
    if kind == "union_tag_not_found":  # a scoring rule without its kind
        kinds = ", ".join(repr(member.model_fields["kind"].default)
                          for member in _members(Rule))
        return f"the key {ctx.get('discriminator', 'kind')} is missing: give one of {kinds}"
    if kind == "extra_forbidden":
        return "unknown key (a typo here could silently change someone's pay)"
    if kind == "missing":
        return "required key is missing"
    bounds = {
        "greater_than_equal": f"must be >= {ctx.get('ge')}",
        "less_than_equal": f"must be <= {ctx.get('le')}",
        "greater_than": f"must be > {ctx.get('gt')}",
        "less_than": f"must be < {ctx.get('lt')}",
    }
    if kind in bounds:
        return f"{bounds[kind]}, got {value!r}"
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if kind == "literal_error":
        return f"{message[0].lower()}{message[1:]}, got {value!r}"
    if isinstance(value, dict | list) or value is None or "got " in message:
        return message  # a validator that names the value already
    return f"{message}, got {value!r}"


def _members(annotation: Any) -> list[Any]:
    """The alternatives of a union (Annotated and None stripped); one item when not a union."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        found = []
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                found += _members(arg)
        return found
    return [annotation]


def _branch(members: list[Any], tag: str) -> Any:
    """The union member a pydantic loc tag names (`constrained-float`, `literal[...]`, a
    discriminator value, a model's name); None when it cannot be told."""
    for member in members:
        if isinstance(member, type) and issubclass(member, BaseModel):
            kind = member.model_fields.get("kind")
            if member.__name__ == tag or (kind is not None and kind.default == tag):
                return member
        elif ((typing.get_origin(member) is typing.Literal and tag.startswith("literal["))
              or (isinstance(member, type) and member.__name__ in tag)):
            return member
    return None


def _user_path(loc: tuple[Any, ...]) -> tuple[str, bool]:
    """The key path a person wrote for a pydantic error location, without pydantic's union
    tags (`rule.ratio.zero_tgt` is `rule.zero_tgt`), and whether it went through a union
    (several alternatives, each of which may report an error)."""
    path, through_union = "", False
    current: Any = AppraisalConfig
    for part in loc:
        if isinstance(part, str) and (part.startswith("function-")
                                      or ("[" in part and not part.startswith("literal["))):
            continue  # a validator's tag or a dict key's own error ("[key]")
        members = _members(current) if current is not None else []
        if len(members) > 1 and isinstance(part, str):
            through_union = True
            current = _branch(members, part)
            continue
        annotation = members[0] if members else None
        origin = typing.get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            current = field.annotation if field is not None else None
        elif origin in (dict, Mapping) or (isinstance(origin, type)
                                           and issubclass(origin, Mapping)):
            current = typing.get_args(annotation)[-1]
        elif origin in (list, tuple, set, frozenset):
            args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
            current = args[0] if args else None
        else:
            current = None
        path += f"[{part}]" if isinstance(part, int) else ("." if path else "") + str(part)
    return path, through_union


_MISMATCH = frozenset({*_EXPECTED_TYPES, "literal_error"})
"""Errors that only say a value is not of a union alternative's type."""


def _union_problem(errors: list[dict[str, Any]]) -> list[str]:
    """The errors of one key from the alternatives of a union, as one problem: the error of the
    alternative the value is of (`-5` for `amount | from_history`: must be >= 0), else every
    alternative's expectation together (must be a number or 'from_history', got 'abc')."""
    kept = [error for error in errors if error["type"] not in _MISMATCH]
    if kept:
        return [_describe(error) for error in kept]
    expected = " or ".join(dict.fromkeys(
        _EXPECTED_TYPES.get(error["type"]) or str((error.get("ctx") or {}).get("expected"))
        for error in errors))
    return [_type_problem([error["type"] for error in errors], errors[0].get("input"),
                          expected)]


def _problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    unions: dict[str, list[dict[str, Any]]] = {}
    for error in exc.errors():
        loc = tuple(error["loc"])
        key, through_union = _user_path(loc)
        if through_union and error["type"] != "extra_forbidden":
            if key not in unions:
                problems.append((key, ""))  # placeholder: the union's problem, in order
            unions.setdefault(key, []).append(error)
            continue
        message = _describe(error)
        if error["type"] == "extra_forbidden":
            owner = _model_at(AppraisalConfig, loc[:-1])
            if owner is not None:
                known = list(owner.model_fields)
                close = difflib.get_close_matches(str(loc[-1]), known, n=1)
                if close:
                    message += f"; did you mean '{close[0]}'?"
                else:
                    message += f"; allowed keys: {', '.join(known)}"
        problems.append((key, message))
    found: list[tuple[str, str]] = []
    for key, message in problems:
        if message or key not in unions:
            found.append((key, message))
        else:
            found += [(key, text) for text in _union_problem(unions.pop(key))]
    # pydantic reports one error per union branch; keep each (key, message) once
    return list(dict.fromkeys(found))


def parse_config(raw: Any, file: str = "<config>") -> AppraisalConfig:
    """Validate an already-parsed mapping; raises ConfigError naming `file` and key paths."""
    if not isinstance(raw, dict):
        raise ConfigError(file, [("", "the file must hold a YAML mapping (key: value lines)")])
    try:
        config = AppraisalConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(file, _problems(exc)) from None
    # Keys that must fit the AHP matrices the scorecard declares (two sections together).
    across = config.weights.problems(config.scorecard.ahp_matrices())
    across += _excluded_pay_problems(config)
    across += _rorac_problems(config)
    if across:
        raise ConfigError(file, across)
    return config


def _rorac_problems(config: AppraisalConfig) -> list[tuple[str, str]]:
    """RORAC keys that need another section: a cost read from a table the inputs do not name
    (each cost would be 0), a stock reference date after the period (no business would be
    increment) or outside the years a period may fall in."""
    found = []
    for name in ("management_cost", "fixed_cost"):
        cost = getattr(config.rorac, name)
        if (cost.source == "table" and "source" in cost.model_fields_set
                and config.inputs.manager_costs is None):
            found.append((f"rorac.{name}.source",
                          "source: table reads the manager_costs table, which inputs: does not "
                          "name (every cost would be 0): add inputs.manager_costs, or choose "
                          "source: allocate with a total"))
    reference = config.rorac.stock.reference_date
    period = config.appraisal_period
    if isinstance(reference, date):
        if not PERIOD_YEARS[0] <= reference.year <= PERIOD_YEARS[1]:
            found.append(("rorac.stock.reference_date",
                          f"the year must be from {PERIOD_YEARS[0]} to {PERIOD_YEARS[1]}, got "
                          f"{reference.isoformat()}"))
        elif reference > period.end:
            found.append(("rorac.stock.reference_date",
                          f"{reference.isoformat()} is after the period {period.label} ends "
                          f"({period.end.isoformat()}): all business would be stock; give a "
                          "date within or before the period, year_start or period_start"))
    return found


def _excluded_pay_problems(config: AppraisalConfig) -> list[tuple[str, str]]:
    """What excluded joiners are paid must agree with the bonus limits (two sections)."""
    tenure, guarantee = config.scorecard.tenure, config.bonus.limits.minimum_guarantee
    if tenure.joiners_leavers != "exclude":
        return []
    key = "scorecard.tenure.excluded_pay"
    if tenure.excluded_pay == "guarantee_only" and guarantee is None:
        return [(key, "guarantee_only pays the minimum guarantee, but "
                      "bonus.limits.minimum_guarantee is not set: set it, or choose standard "
                      "or none")]
    if tenure.excluded_pay == "none" and guarantee is not None:
        return [(key, "none pays excluded joiners nothing, although "
                      "bonus.limits.minimum_guarantee exists for new hires: choose "
                      "guarantee_only (the guarantee alone) or standard (paid at "
                      "excluded_coefficient within the limits), or remove the guarantee")]
    return []


MAX_CONFIG_BYTES = 1 << 20
"""A config file larger than this is refused before it is parsed."""
MAX_CONFIG_NODES = 100_000
"""At most this many values once YAML aliases are expanded (a bound against alias bombs)."""


def _yaml_key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check_yaml_nodes(root: yaml.Node, shown: str) -> None:
    """Before anything is built from the YAML: every mapping key once, and a bounded size with
    aliases expanded. Duplicate keys name both lines; a YAML file is otherwise silently
    last-one-wins."""
    sizes: dict[int, int] = {}
    problems: list[tuple[str, str]] = []

    def size(node: yaml.Node, path: str, active: frozenset[int]) -> int:
        if id(node) in active:
            raise ConfigError(shown, [(path, "a YAML alias refers to itself")])
        if id(node) in sizes:
            return sizes[id(node)]
        total = 1
        inside = active | {id(node)}
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                line = key_node.start_mark.line + 1
                if key in seen and key != "<<":
                    problems.append((_yaml_key_path(path, key),
                                     f"given twice, on lines {seen[key]} and {line}; keep one"))
                seen.setdefault(key, line)
                total += size(value_node, _yaml_key_path(path, key), inside)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                total += size(item, f"{path}[{index}]", inside)
        if total > MAX_CONFIG_NODES:
            raise ConfigError(shown, [(path, f"expands to more than {MAX_CONFIG_NODES:,} values "
                                             "(YAML aliases); write the values out")])
        sizes[id(node)] = total
        return total

    size(root, "", frozenset())
    if problems:
        raise ConfigError(shown, problems)


_YAML_HINTS: tuple[tuple[str, str], ...] = (
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("mapping values are not allowed here",
     "check the indentation of this line, and put a value holding ': ' in quotes"),
    ("could not find expected ':'", "each setting is 'key: value', with a space after the colon"),
    ("expected <block end>", "this line is indented differently from the keys beside it"),
    ("but got '<stream end>'", "a '[' or '{' is not closed"),
    ("found unexpected end of stream", "a quote is not closed"),
    ("found undefined alias", "a '*' starts an alias: put a value starting with '*' in quotes"),
    ("found unknown escape character",
     "in double quotes a backslash starts an escape: use single quotes for a Windows path"),
)
"""PyYAML's problem (a prefix of it) -> what a person writing a config should do about it."""


def _yaml_hint(problem: str) -> str:
    """The fix for a common YAML mistake, or "" (PyYAML's problem stays as it is)."""
    return next((hint for start, hint in _YAML_HINTS if start in problem), "")


def _read_yaml(text: str, shown: str) -> Any:
    """safe_load with the checks of `_check_yaml_nodes` between composing and constructing."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_yaml_nodes(node, shown)
        return loader.construct_document(node)
    finally:
        loader.dispose()


_KEY_PATH = re.compile(r"[^.\[\]=\s]+(?:\.[^.\[\]=\s]+|\[\d+\])*")
_KEY_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _override_path(key: str) -> list[str | int] | None:
    """`bonus.components[0].share` -> ["bonus", "components", 0, "share"]; None if malformed."""
    if not _KEY_PATH.fullmatch(key):
        return None
    return [name if name else int(index) for name, index in _KEY_PART.findall(key)]


def _overlap(one: str, other: str) -> bool:
    """Two key paths that set the same value: equal, or one a section holding the other."""
    short, long = sorted((one, other), key=len)
    return long == short or long.startswith((f"{short}.", f"{short}["))


def apply_overrides(raw: Any, overrides: Sequence[str], shown: str = "<config>") -> dict[str, Any]:
    """The raw config mapping with `KEY=VALUE` overrides set by key path (dots, `[i]` list
    indices); each VALUE is read as a YAML scalar (`0.1`, `true`, `null`, `[a, b]`). A malformed
    override or a path through a missing list item or a scalar is a ConfigError naming the key
    path; the result is validated like the file by `parse_config`."""
    import copy

    if not isinstance(raw, dict):
        raise ConfigError(shown, [("", "the file must hold a YAML mapping (key: value lines)")])
    result: dict[str, Any] = copy.deepcopy(raw)
    problems: list[tuple[str, str]] = []
    given: dict[str, str] = {}
    for item in overrides:
        key, equals, text = str(item).partition("=")
        key = key.strip()
        path = _override_path(key) if equals else None
        if path is not None:  # one key once: a later --set would silently win
            written = _key_path(tuple(path))
            earlier = next((k for k in given if _overlap(k, written)), None)
            if earlier is not None:
                problems.append((written, f"--set gives this key twice ({given[earlier]!r} and "
                                          f"{str(item)!r}); keep one"))
                continue
            given[written] = str(item)
        if path is None:
            problems.append((key or str(item), f"--set {item!r}: expected KEY=VALUE with KEY a "
                             "key path such as bonus.shared_pool.withhold_rate or "
                             "scorecard.grading.grades[0].min_score"))
            continue
        try:
            value = yaml.safe_load(text) if text.strip() else None
        except yaml.YAMLError:
            problems.append((key, f"--set: value {text!r} is not a YAML value"))
            continue
        node: Any = result
        for depth, part in enumerate(path[:-1]):
            where = _key_path(tuple(path[:depth + 1]))
            if isinstance(part, int):
                if not isinstance(node, list) or not -len(node) <= part < len(node):
                    size = len(node) if isinstance(node, list) else 0
                    problems.append((where, f"--set: no list item [{part}] here "
                                     f"({size} item(s))"))
                    break
                node = node[part]
            else:
                if not isinstance(node, dict):
                    problems.append((where, "--set: not a section (its parent holds a value)"))
                    break
                if node.get(part) is None:
                    node[part] = {}
                node = node[part]
        else:
            last = path[-1]
            if isinstance(last, int):
                if not isinstance(node, list) or not -len(node) <= last < len(node):
                    problems.append((key, f"--set: no list item [{last}] here"))
                    continue
                node[last] = value
            elif isinstance(node, dict):
                node[last] = value
            else:
                problems.append((key, "--set: not a section (its parent holds a value)"))
    if problems:
        raise ConfigError(shown, problems)
    return result


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    """Why a config is not UTF-8, with the line of the first byte that is not, and the way
    out: a config saved as GBK (Windows Notepad's ANSI) is saved again as UTF-8."""
    line = data[:exc.start].count(b"\n") + 1
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return f"config file must be UTF-8 text (line {line} is not): save it as UTF-8"
    return (f"config file must be UTF-8 text; it is saved as GBK (line {line}): save it as "
            "UTF-8 (in Notepad: Save as, Encoding UTF-8)")


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> LoadedConfig:
    """Read and validate config.yaml; input paths stay relative to its folder.

    `overrides` (`KEY=VALUE`, as `appraise run --set`) are applied to the file's mapping before
    it is validated, so a bad value is refused naming its key path like one in the file.
    """
    config_path = Path(path).expanduser()
    shown = str(path)
    if not config_path.is_file():
        raise ConfigError(shown, [("", "config file not found")])
    try:
        data = config_path.read_bytes()
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(shown, [("", _not_utf8(data, exc))]) from None
    if len(text.encode("utf-8")) > MAX_CONFIG_BYTES:
        raise ConfigError(shown, [("", f"config file is larger than {MAX_CONFIG_BYTES:,} bytes; "
                                       "a config holds settings, not data (put tables in inputs)")])
    try:
        raw = _read_yaml(text, shown)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        hint = _yaml_hint(problem)
        raise ConfigError(shown, [("", f"{where}not valid YAML ({problem})"
                                       f"{': ' + hint if hint else ''}")]) from None
    if overrides:
        raw = apply_overrides(raw, overrides, shown)
    config = parse_config(raw, shown)
    return LoadedConfig(config=config, path=config_path.resolve(), raw=raw,
                        overrides=tuple(str(o) for o in overrides))
