"""The config reference table of docs/config.md, generated from the pydantic models.

`python -m appraisal.config.reference` prints it; a test keeps docs/config.md in step.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from . import AppraisalConfig
from .inputs import InputsConfig, TableSource

__all__ = ["config_keys", "reference_table"]


def _models_in(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """('', Model) for a nested model, ('[]', Model) for a list, ('.<id>', Model) for a mapping."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "", annotation
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            found = _models_in(arg)
            if found:
                return found
        return None
    if origin in (list, tuple, set, frozenset) and args:
        found = _models_in(args[0])
        return ("[]" + found[0], found[1]) if found else None
    if origin in (dict, Mapping) or (isinstance(origin, type) and issubclass(origin, Mapping)):
        found = _models_in(args[-1]) if args else None
        return (".<id>" + found[0], found[1]) if found else None
    return None


def _type_name(annotation: Any) -> str:
    """A short, readable type: `float`, `one of 'a', 'b'`, `list of Dimension`, `X or null`."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is type(None):
        return "null"
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args)
    if origin in (list, tuple, set, frozenset):
        return "list of " + _type_name(args[0]) if args else "list"
    if origin in (dict, Mapping) or (isinstance(origin, type) and issubclass(origin, Mapping)):
        return f"mapping {_type_name(args[0])} -> {_type_name(args[-1])}" if args else "mapping"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation)


def _default(field: Any) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "required"
    value = field.default_factory() if field.default is PydanticUndefined else field.default
    if isinstance(value, BaseModel):
        return "(section)"
    if isinstance(value, tuple | list) and value and isinstance(value[0], BaseModel):
        return "(list, see example)"
    return "null" if value is None else repr(value)


def config_keys(
    model: type[BaseModel] = AppraisalConfig, prefix: str = ""
) -> Iterator[tuple[str, str, str, str]]:
    """(key path, type, default, description) of every key, depth first."""
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        nested = _models_in(field.annotation)
        yield path, _type_name(field.annotation), _default(field), field.description or ""
        if model is InputsConfig:
            continue  # every table has the same keys: listed once, under inputs.<table>
        if nested is not None:
            suffix, inner = nested
            yield from config_keys(inner, f"{path}{suffix}.")
    if model is InputsConfig:
        yield from config_keys(TableSource, f"{prefix}<table>.")


def reference_table() -> str:
    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for path, kind, default, description in config_keys():
        kind = kind.replace("|", "\\|")
        lines.append(f"| `{path}` | {kind} | `{default}` | {description} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(reference_table())
