"""The function library of the expression language: every declared mapping function by name, the
parser bound to it, and the two catalogues (``GET /languages/el/functions`` and ``/operators``).

All of it is derived from package data and code only, so each app builds it once
(``ctx.runtime.package.memo``) and nothing lives in a module global. The catalogues are packaged
files (``mockaep/specs/dataprep``) checked against what is implemented when first read: a
catalogue that lists a function the library lacks, or misses one it has, is a packaging bug and
refuses to load, so the endpoints always list exactly what the evaluator runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from mockaep.core.context import RequestContext
from mockaep.services.conversion.expressions import Node, parse
from mockaep.services.conversion.functions import dates, hierarchies, misc, strings, useragent
from mockaep.services.conversion.functions.declaration import Function, declared_in
from mockaep.services.conversion.tokenizer import BINARY_LEVELS, UNARY_OPERATORS

FUNCTION_MODULES = (strings, dates, hierarchies, misc, useragent)
#: Methods called on a value (``"a".equalsIgnoreCase(b)``); the evaluator implements them.
METHODS = ("equals", "equalsIgnoreCase", "get")
FUNCTIONS_FILE = "dataprep/functions.json"
OPERATORS_FILE = "dataprep/operators.json"


class CatalogueMismatch(RuntimeError):
    """The packaged catalogue and the implemented functions differ (a packaging bug)."""


@dataclass(frozen=True)
class FunctionLibrary:
    """The functions an expression may call, by their platform names."""

    functions: Mapping[str, Function]

    def arity(self, name: str) -> tuple[int, int | None] | None:
        found = self.functions.get(name)
        return None if found is None else (found.min_args, found.max_args)

    def pattern_arguments(self, name: str) -> tuple[int, ...]:
        found = self.functions.get(name)
        return () if found is None else found.pattern_arguments

    def parse(self, text: str) -> Node:
        """The syntax tree of an expression, checked against this library (names, arities,
        literal regular expressions); ``ExpressionSyntaxError`` when it cannot be used."""
        return parse(text, self.arity, self.pattern_arguments)


def build_library() -> FunctionLibrary:
    """Every function the function modules declare (a name declared twice is a programming error)."""
    functions: dict[str, Function] = {}
    for module in FUNCTION_MODULES:
        for entry in declared_in(module):
            if entry.name in functions:
                raise CatalogueMismatch(f"function {entry.name!r} is declared twice")
            functions[entry.name] = entry
    return FunctionLibrary(MappingProxyType(functions))


def checked_catalogue(entries: Any, functions: FunctionLibrary) -> tuple[dict[str, Any], ...]:
    """The ``/languages/el/functions`` entries, when they list exactly the implemented functions."""
    listed = [entry["function"] for entry in entries]
    implemented = set(functions.functions) | set(METHODS)
    missing = sorted(implemented - set(listed))
    extra = sorted(set(listed) - implemented)
    duplicated = sorted({name for name in listed if listed.count(name) > 1})
    if missing or extra or duplicated:
        raise CatalogueMismatch(f"{FUNCTIONS_FILE} does not match the implementation: not listed {missing}, "
                                f"not implemented {extra}, listed twice {duplicated}")
    return tuple(entries)


def checked_operators(entries: Any) -> tuple[dict[str, Any], ...]:
    """The ``/languages/el/operators`` entries, when they list exactly what the parser reads."""
    listed = {(entry["operatorSymbol"], entry["numberOfOperands"]) for entry in entries}
    parsed = {(op, 2) for level in BINARY_LEVELS for op in level} | {(op, 1) for op in UNARY_OPERATORS}
    parsed |= {("?:", 3), ("?:", 2)}
    if listed != parsed:
        raise CatalogueMismatch(f"{OPERATORS_FILE} does not match the parser: not listed {sorted(parsed - listed)}, "
                                f"not parsed {sorted(listed - parsed)}")
    return tuple(entries)


# -- per app ---------------------------------------------------------------------------------------
def library(ctx: RequestContext) -> FunctionLibrary:
    return ctx.runtime.package.memo(("conversion", "library"), build_library)


def catalogue(ctx: RequestContext) -> tuple[dict[str, Any], ...]:
    package = ctx.runtime.package
    return package.memo(("conversion", "catalogue"),
                        lambda: checked_catalogue(package.json(FUNCTIONS_FILE), library(ctx)))


def operators(ctx: RequestContext) -> tuple[dict[str, Any], ...]:
    package = ctx.runtime.package
    return package.memo(("conversion", "operators"), lambda: checked_operators(package.json(OPERATORS_FILE)))
