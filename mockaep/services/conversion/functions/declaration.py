"""How a mapping function is declared: :func:`function` marks a Python callable with the
platform's name(s) for it; :func:`declared_in` reads the marks of a module.

Nothing is registered anywhere at import: the function library (``conversion.library``) is built
from the modules' marks once per app, as package-derived data. A function's signature gives the
arity the parser checks, and ``patterns=`` names the arguments that are regular expressions
(compiled with RE2 through ``mockaep.core.patterns``; literal ones are checked when the
expression is parsed).
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable

from mockaep.services.conversion.values import TransformError

#: The attribute a declared implementation carries: its :class:`Function` entries.
MARK = "dataprep_functions"


@dataclass(frozen=True)
class Function:
    """One function of the expression language."""

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


def function(*names: str, env: bool = False,
             patterns: tuple[int, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an implementation under the platform's function name(s); ``env``: it takes the
    evaluation environment first; ``patterns``: 0-based positions of its regular-expression arguments."""
    def declare(implementation: Callable[..., Any]) -> Callable[..., Any]:
        params = list(inspect.signature(implementation).parameters.values())
        if env:
            params = params[1:]
        required = sum(1 for p in params if p.kind == p.POSITIONAL_OR_KEYWORD and p.default is p.empty)
        variadic = any(p.kind == p.VAR_POSITIONAL for p in params)
        positional = sum(1 for p in params if p.kind == p.POSITIONAL_OR_KEYWORD)
        entries = tuple(Function(name, implementation, required, None if variadic else positional, env, patterns)
                        for name in names)
        setattr(implementation, MARK, getattr(implementation, MARK, ()) + entries)
        return implementation
    return declare


def declared_in(module: ModuleType) -> list[Function]:
    """The functions a module declares, in the order they appear in it."""
    found: list[Function] = []
    for value in vars(module).values():
        if callable(value) and getattr(value, "__module__", None) == module.__name__:
            found.extend(getattr(value, MARK, ()))
    return found
