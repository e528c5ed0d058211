"""Evaluate a parsed expression against one source row.

Values are plain JSON values plus ``datetime`` (the platform's ZonedDateTime). A failure raises
:class:`TransformError`; the caller nulls the destination attribute and reports the error, as
Data Prep does (data-prep/home.md, troubleshooting-guide.md).

Numbers follow Java's rules where the platform's are Java's: integers are exact (BigInteger, up
to :data:`~values.MAX_INTEGER_DIGITS` digits here), a double that overflows is ``Infinity``.
What every operation reads and builds is charged to the request's :class:`Budget`, so a request
cannot make the emulator do more than a bounded amount of work however its expressions combine.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from mockaep.core.patterns import PatternError, compile_pattern
from mockaep.services.conversion import paths
from mockaep.services.conversion.expressions import Node
from mockaep.services.conversion.functions import REGISTRY
from mockaep.services.conversion.values import (TransformError, check_integer, check_text_length, is_number,
                                                to_text, truthy)

#: Units of work one request may cause: a character of text or an item of an array or object
#: read by an operation or built by it costs one, an operation itself (a node evaluated, a mapping
#: applied to a row) costs OPERATION_COST. Some seconds of work at most.
REQUEST_BUDGET = 50_000_000
OPERATION_COST = 32


class BudgetExceeded(Exception):
    """The request asked for more work than :data:`REQUEST_BUDGET` (a 400 for the whole request)."""


@dataclass
class Budget:
    """What is left of one request's allowance (one per request, never shared)."""

    remaining: int = REQUEST_BUDGET

    def spend(self, units: int) -> None:
        self.remaining -= units
        if self.remaining < 0:
            raise BudgetExceeded(f"the request would cause more than {REQUEST_BUDGET} units of work")

    def spend_on(self, value: Any) -> None:
        """Charge the full size of ``value`` (every nested item and character), without recursion."""
        stack = [value]
        while stack:
            current = stack.pop()
            if isinstance(current, str):
                self.spend(len(current) + 1)
            elif isinstance(current, dict):
                self.spend(len(current) + 1)
                stack.extend(current.values())
            elif isinstance(current, list):
                self.spend(len(current) + 1)
                stack.extend(current)
            else:
                self.spend(1)


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, dict)) else 0


@dataclass
class Env:
    """What an expression can see: the source row, the emulator's clock, the request's budget."""

    row: Mapping[str, Any]
    now: datetime
    budget: Budget = field(default_factory=Budget)


def evaluate(node: Node, env: Env) -> Any:
    value = _evaluate(node, env)
    # literals and fields are read, not built: only the operation is charged for them
    env.budget.spend(OPERATION_COST + (0 if node.kind in ("literal", "field") else _size(value)))
    return value


def _evaluate(node: Node, env: Env) -> Any:
    kind = node.kind
    if kind == "literal":
        return node.value
    if kind == "field":
        return paths.lookup(env.row, list(node.path))
    if kind == "call":
        function = REGISTRY[node.value]
        args = [evaluate(child, env) for child in node.children]
        env.budget.spend_on(args)  # a function reads its arguments: that work is charged first
        return function.call(env, args)
    if kind == "method":
        target = evaluate(node.children[0], env)
        args = [evaluate(child, env) for child in node.children[1:]]
        env.budget.spend_on([target, *args])
        return _method(node.value, target, args)
    if kind == "member":
        target = evaluate(node.children[0], env)
        return target.get(node.value) if isinstance(target, dict) else None
    if kind == "index":
        return _index(evaluate(node.children[0], env), evaluate(node.children[1], env))
    if kind == "unary":
        return _unary(node.value, evaluate(node.children[0], env))
    if kind == "binary":
        op = node.value
        left = evaluate(node.children[0], env)
        if op == "&&":
            return truthy(left) and truthy(evaluate(node.children[1], env))
        if op == "||":
            return truthy(left) or truthy(evaluate(node.children[1], env))
        right = evaluate(node.children[1], env)
        env.budget.spend_on([left, right])
        return binary(op, left, right)
    if kind == "ternary":
        chosen = node.children[1] if truthy(evaluate(node.children[0], env)) else node.children[2]
        return evaluate(chosen, env)
    if kind == "elvis":
        first = evaluate(node.children[0], env)
        return first if truthy(first) else evaluate(node.children[1], env)
    if kind == "array":
        return [evaluate(child, env) for child in node.children]
    if kind == "map":
        items = [evaluate(child, env) for child in node.children]
        return {to_text(items[i]): items[i + 1] for i in range(0, len(items), 2)}
    raise TransformError(f"cannot evaluate a {kind} node")


def _method(name: str, target: Any, args: list[Any]) -> Any:
    if name == "get":
        if isinstance(target, dict):
            return target.get(to_text(args[0]))
        if isinstance(target, list):
            return _index(target, args[0])
        raise TransformError("get() needs an object or an array")
    if target is None:
        raise TransformError(f"cannot call {name}() on null")
    other = args[0]
    if name == "equals":
        return _equal(target, other)
    # equalsIgnoreCase: Java's String method, text compared without case
    return other is not None and to_text(target).casefold() == to_text(other).casefold()


def _index(target: Any, index: Any) -> Any:
    if isinstance(target, list):
        if not is_number(index) or isinstance(index, float) and not math.isfinite(index) or int(index) != index:
            raise TransformError("an array index must be an integer")
        position = int(index)
        return target[position] if 0 <= position < len(target) else None
    if isinstance(target, dict):
        return target.get(to_text(index))
    if target is None:
        return None
    raise TransformError("only arrays and objects can be indexed")


def _unary(op: str, value: Any) -> Any:
    if op == "!":
        return not truthy(value)
    if op == "-":
        if is_number(value):
            return -value
        raise TransformError("unary '-' needs a number")
    if isinstance(value, int) and not isinstance(value, bool):  # "~"
        return ~value
    raise TransformError("'~' needs an integer")


def _equal(left: Any, right: Any) -> bool:
    if is_number(left) and is_number(right):
        return left == right
    if type(left) is not type(right) and not (left is None or right is None):
        if isinstance(left, (str, int, float, bool)) and isinstance(right, (str, int, float, bool)):
            return to_text(left) == to_text(right)
    return left == right


def _java_div(left: int, right: int) -> int:
    quotient = abs(left) // abs(right)
    return quotient if (left >= 0) == (right >= 0) else -quotient


def binary(op: str, left: Any, right: Any) -> Any:
    """One binary operator, with the rules the operators catalogue describes."""
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if op in ("=~", "!~"):
        if isinstance(right, list):
            found = any(_equal(left, item) for item in right)
        elif isinstance(right, str) and left is not None:
            try:
                found = compile_pattern(right).fullmatch(to_text(left)) is not None
            except PatternError as exc:
                raise TransformError(str(exc)) from None
        else:
            found = False
        return found if op == "=~" else not found
    if op in ("=^", "!^", "=$", "!$"):
        if left is None or right is None:
            found = False
        else:
            text, part = to_text(left), to_text(right)
            found = text.startswith(part) if op[1] == "^" else text.endswith(part)
        return found if op[0] == "=" else not found
    if op == "+" and (isinstance(left, str) or isinstance(right, str)):
        # a text operand makes '+' a concatenation; null reads as nothing
        first, second = ("" if left is None else to_text(left)), ("" if right is None else to_text(right))
        check_text_length(len(first) + len(second))
        return first + second
    if op in ("<", "<=", ">", ">="):
        return _compare(op, left, right)
    if op in ("&", "|", "^"):
        if isinstance(left, bool) and isinstance(right, bool):
            return {"&": left and right, "|": left or right, "^": left != right}[op]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right)):
            raise TransformError(f"'{op}' needs two integers or two booleans")
        return {"&": left & right, "|": left | right, "^": left ^ right}[op]
    if not (is_number(left) and is_number(right)):
        raise TransformError(f"'{op}' needs two numbers, got {_kind(left)} and {_kind(right)}")
    if isinstance(left, int) and isinstance(right, int):
        return check_integer(_integer_arithmetic(op, left, right))
    return _double_arithmetic(op, _double(left), _double(right))


def _integer_arithmetic(op: str, left: int, right: int) -> int:
    """Exact, as JEXL promotes to BigInteger. Operands are at most a request's digits long, so
    the work is small; the result is then held to MAX_INTEGER_DIGITS."""
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        raise TransformError("division by zero")
    quotient = _java_div(left, right)
    # '%' keeps the sign of the dividend, as in Java
    return quotient if op == "/" else left - right * quotient


def _double(value: int | float) -> float:
    """A number as a Java double: an integer beyond the double range becomes an infinity."""
    if isinstance(value, float):
        return value
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _double_arithmetic(op: str, left: float, right: float) -> float:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        raise TransformError("division by zero")
    if op == "/":
        return left / right
    if not math.isfinite(left) or math.isnan(right):
        return math.nan  # Java: Infinity % x and x % NaN are NaN
    return math.fmod(left, right)


def _compare(op: str, left: Any, right: Any) -> bool:
    if is_number(left) and is_number(right) or isinstance(left, str) and isinstance(right, str) \
            or isinstance(left, datetime) and isinstance(right, datetime):
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]
    raise TransformError(f"'{op}' cannot compare {_kind(left)} with {_kind(right)}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, datetime):
        return "date"
    return "object"
