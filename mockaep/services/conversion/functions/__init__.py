"""The mapping functions of the expression language, and their catalogue.

Each function is a Python callable registered under its platform name(s) with :func:`function`;
its signature gives the arity the parser checks, and ``patterns=`` names the arguments that are
regular expressions (compiled with RE2 through ``mockaep.core.patterns``; literal ones are
checked when the expression is parsed). The catalogue served by
``GET /languages/el/functions`` is package data (``mockaep/specs/dataprep/functions.json``);
:func:`catalogue` refuses to load when the data file and the registry disagree, so the endpoint
always lists exactly what the evaluator implements.
"""
from __future__ import annotations

import functools
import inspect
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable

from mockaep.services.conversion.expressions import BINARY_LEVELS, UNARY_OPERATORS, Node, parse
from mockaep.services.conversion.values import TransformError


@dataclass(frozen=True)
class Function:
    name: str
    implementation: Callable[..., Any]
    min_args: int
    max_args: int | None
    wants_env: bool
    pattern_arguments: tuple[int, ...] = ()

    def call(self, env: Any, args: list[Any]) -> Any:
        try:
            if self.wants_env:
                return self.implementation(env, *args)
            return self.implementation(*args)
        except TransformError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of a function on odd input is a
            # transformation error of that row (the platform nulls the attribute), never a 500
            raise TransformError(f"{self.name}(): {exc or type(exc).__name__}") from None


REGISTRY: dict[str, Function] = {}


def function(*names: str, env: bool = False,
             patterns: tuple[int, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an implementation under the platform's function name(s); ``patterns`` are the
    0-based positions of its regular-expression arguments."""
    def register(implementation: Callable[..., Any]) -> Callable[..., Any]:
        params = list(inspect.signature(implementation).parameters.values())
        if env:
            params = params[1:]
        required = sum(1 for p in params if p.kind == p.POSITIONAL_OR_KEYWORD and p.default is p.empty)
        variadic = any(p.kind == p.VAR_POSITIONAL for p in params)
        positional = sum(1 for p in params if p.kind == p.POSITIONAL_OR_KEYWORD)
        for name in names:
            REGISTRY[name] = Function(name, implementation, required, None if variadic else positional, env,
                                      patterns)
        return implementation
    return register


# The modules register their functions on import.
from mockaep.services.conversion.functions import (dates, hierarchies, misc, strings,  # noqa: E402,F401
                                                   useragent)

#: Methods called on a value (``"a".equalsIgnoreCase(b)``); the evaluator implements them.
METHODS = ("equals", "equalsIgnoreCase", "get")


def arity(name: str) -> tuple[int, int | None] | None:
    found = REGISTRY.get(name)
    return None if found is None else (found.min_args, found.max_args)


def pattern_arguments(name: str) -> tuple[int, ...]:
    found = REGISTRY.get(name)
    return () if found is None else found.pattern_arguments


def parse_expression(text: str) -> Node:
    """The syntax tree of an expression, checked against the registry (names, arities, literal
    regular expressions); :class:`ExpressionSyntaxError` when it cannot be used."""
    return parse(text, arity, pattern_arguments)


class CatalogueMismatch(RuntimeError):
    """The packaged catalogue and the implemented functions differ (a packaging bug)."""


def _read(name: str) -> Any:
    return json.loads(resources.files("mockaep.specs").joinpath("dataprep", name).read_text("utf-8"))


@functools.lru_cache(maxsize=None)
def catalogue() -> tuple[dict[str, Any], ...]:
    """The ``/languages/el/functions`` entries, checked against the registry."""
    entries = _read("functions.json")
    listed = [entry["function"] for entry in entries]
    implemented = set(REGISTRY) | set(METHODS)
    missing = sorted(implemented - set(listed))
    extra = sorted(set(listed) - implemented)
    duplicated = sorted({name for name in listed if listed.count(name) > 1})
    if missing or extra or duplicated:
        raise CatalogueMismatch(f"functions.json does not match the implementation: not listed {missing}, "
                                f"not implemented {extra}, listed twice {duplicated}")
    return tuple(entries)


@functools.lru_cache(maxsize=None)
def operators() -> tuple[dict[str, Any], ...]:
    """The ``/languages/el/operators`` entries, checked against what the parser reads."""
    entries = _read("operators.json")
    listed = {(entry["operatorSymbol"], entry["numberOfOperands"]) for entry in entries}
    parsed = {(op, 2) for level in BINARY_LEVELS for op in level} | {(op, 1) for op in UNARY_OPERATORS}
    parsed |= {("?:", 3), ("?:", 2)}
    if listed != parsed:
        raise CatalogueMismatch(f"operators.json does not match the parser: not listed {sorted(parsed - listed)}, "
                                f"not parsed {sorted(listed - parsed)}")
    return tuple(entries)
