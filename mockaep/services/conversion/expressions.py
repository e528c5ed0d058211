"""The Data Prep expression language: the parser (calculated fields, EXPRESSION mappings).

The platform's language is JEXL-like: field references (``name.firstName``, ``${First Name}``,
``address.street\\.name``), string and number literals, function calls, method calls on values
(``"a".equals(b)``), indexing, array and map literals and the operators the
``/languages/el/operators`` endpoint lists. :func:`parse` turns a text into a tree of
:class:`Node` values and refuses, with the position, anything it cannot read, an unknown
function or a wrong number of arguments, so the validate endpoints and mapping-set checks give
the same answer the evaluator would. A regular expression written as a literal (``=~ "a+"``, the
pattern argument of ``matches_regex``...) is compiled here too, so an unusable one is refused up
front rather than failing on every row.

Bounds, checked before any work they would cause: the text's length, how deeply it nests (the
parser and the evaluator recurse), the depth of the resulting tree, and the size of number
literals.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from mockaep.core.errors import shown
from mockaep.core.patterns import PatternError, compile_pattern
from mockaep.services.conversion.tokenizer import (BINARY_LEVELS, UNARY_OPERATORS, WORD_OPERATORS,  # noqa: F401
                                                   ExpressionSyntaxError, Token, tokenize)

#: Calculated fields are limited to this many characters (data-prep/home.md).
MAX_EXPRESSION_LENGTH = 4096
#: Sub-expressions inside sub-expressions (parentheses, arguments, unary operators): the parser
#: recurses once per level, so the bound keeps it far from the interpreter's stack limit.
MAX_NESTING = 64
#: Depth of the syntax tree (a chain ``a + b + c ...`` is as deep as it is long): the evaluator
#: recurses once per level.
MAX_TREE_DEPTH = 128

#: Words a field may not be called unless wrapped in ``${...}`` (data-prep/functions.md).
RESERVED = frozenset("""new mod or break var lt for false while eq gt div not null continue else and
ne true le if ge return _errors do function empty size""".split())


# -- tree ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    kind: str                      # literal field call method member index unary binary ternary elvis array map
    value: Any = None              # literal value, operator, function/method/member name
    children: tuple["Node", ...] = ()
    path: tuple[str, ...] = ()     # field segments
    position: int = 0


# -- parser --------------------------------------------------------------------------------------
#: name -> (min arguments, max arguments or None); supplied by the function registry.
Arity = Callable[[str], "tuple[int, int | None] | None"]
#: name -> 0-based positions of the arguments that are regular expressions.
PatternArguments = Callable[[str], "tuple[int, ...]"]
METHOD_ARITY = {"equals": (1, 1), "equalsIgnoreCase": (1, 1), "get": (1, 1)}
_LEVEL_OF = {op: level for level, ops in enumerate(BINARY_LEVELS) for op in ops}
_REGEX_OPERATORS = ("=~", "!~")


def _no_patterns(_name: str) -> tuple[int, ...]:
    return ()


class _Parser:
    def __init__(self, text: str, arity: Arity, pattern_arguments: PatternArguments) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.arity = arity
        self.pattern_arguments = pattern_arguments
        self.nesting = 0

    # helpers
    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.tokens[self.pos]
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def is_sym(self, *symbols: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        if token.kind == "sym" and token.value in symbols:
            return True
        return token.kind == "ident" and WORD_OPERATORS.get(token.value) in symbols

    def operator(self, token: Token) -> str:
        return WORD_OPERATORS.get(token.value, token.value) if token.kind == "ident" else token.value

    def expect(self, symbol: str) -> Token:
        token = self.next()
        if token.kind != "sym" or token.value != symbol:
            raise ExpressionSyntaxError(f"expected '{symbol}' but found {_describe(token)}", token.position)
        return token

    def enter(self, token: Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise ExpressionSyntaxError(f"the expression nests more than {MAX_NESTING} levels deep", token.position)

    # grammar
    def parse(self) -> Node:
        if self.peek().kind == "eof":
            raise ExpressionSyntaxError("the expression is empty", 0)
        node = self.ternary()
        token = self.peek()
        if token.kind != "eof":
            raise ExpressionSyntaxError(f"unexpected {_describe(token)}", token.position)
        return node

    def ternary(self) -> Node:
        self.enter(self.peek())
        cond = self.binary(0)
        token = self.peek()
        if self.is_sym("?:"):
            self.next()
            node = Node("elvis", None, (cond, self.ternary()), position=token.position)
        elif self.is_sym("?"):
            self.next()
            when_true = self.ternary()
            self.expect(":")
            node = Node("ternary", None, (cond, when_true, self.ternary()), position=token.position)
        else:
            node = cond
        self.nesting -= 1
        return node

    def binary(self, min_level: int) -> Node:
        """Precedence climbing: operators of one level associate to the left."""
        left = self.unary()
        while True:
            token = self.peek()
            if token.kind not in ("sym", "ident"):
                return left
            level = _LEVEL_OF.get(self.operator(token))
            if level is None or level < min_level:
                return left
            self.next()
            op = self.operator(token)
            right = self.binary(level + 1)
            if op in _REGEX_OPERATORS:
                _check_literal_pattern(right)
            left = Node("binary", op, (left, right), position=token.position)

    def unary(self) -> Node:
        if self.is_sym(*UNARY_OPERATORS):
            token = self.next()
            op = self.operator(token)
            self.enter(token)
            operand = self.unary()
            self.nesting -= 1
            if op == "-" and operand.kind == "literal" and isinstance(operand.value, (int, float)) \
                    and not isinstance(operand.value, bool):
                return Node("literal", -operand.value, position=token.position)
            return Node("unary", op, (operand,), position=token.position)
        return self.postfix(self.primary())

    def arguments(self) -> tuple[Node, ...]:
        self.expect("(")
        args: list[Node] = []
        if not self.is_sym(")"):
            args.append(self.ternary())
            while self.is_sym(","):
                self.next()
                args.append(self.ternary())
        self.expect(")")
        return tuple(args)

    def postfix(self, node: Node) -> Node:
        while True:
            if self.is_sym(".") and self.peek(1).kind == "ident":
                self.next()
                name_token = self.next()
                if self.is_sym("("):
                    args = self.arguments()
                    _check_arity(name_token, len(args), METHOD_ARITY.get(name_token.value), "method")
                    node = Node("method", name_token.value, (node, *args), position=name_token.position)
                elif node.kind == "field":
                    node = Node("field", None, path=node.path + (name_token.value,), position=node.position)
                else:
                    node = Node("member", name_token.value, (node,), position=name_token.position)
            elif self.is_sym("["):
                token = self.next()
                index = self.ternary()
                self.expect("]")
                node = Node("index", None, (node, index), position=token.position)
            else:
                return node

    def primary(self) -> Node:
        token = self.next()
        if token.kind in ("num", "str"):
            return Node("literal", token.value, position=token.position)
        if token.kind == "field":
            return Node("field", None, path=tuple(token.segments), position=token.position)
        if token.kind == "ident":
            name = token.value
            if name == "true" or name == "false":
                return Node("literal", name == "true", position=token.position)
            if name == "null":
                return Node("literal", None, position=token.position)
            if self.is_sym("("):
                args = self.arguments()
                _check_arity(token, len(args), self.arity(name), "function")
                for index in self.pattern_arguments(name):
                    if index < len(args):
                        _check_literal_pattern(args[index])
                return Node("call", name, args, position=token.position)
            if name in RESERVED:
                raise ExpressionSyntaxError(f"{shown(name, quoted=True)} is a reserved word; wrap a field of that name as ${{{name}}}",
                                            token.position)
            return Node("field", None, path=(name,), position=token.position)
        if token.kind == "sym" and token.value == "(":
            inner = self.ternary()
            self.expect(")")
            return inner
        if token.kind == "sym" and token.value == "[":
            items: list[Node] = []
            if not self.is_sym("]"):
                items.append(self.ternary())
                while self.is_sym(","):
                    self.next()
                    items.append(self.ternary())
            self.expect("]")
            return Node("array", None, tuple(items), position=token.position)
        if token.kind == "sym" and token.value == "{":
            pairs: list[Node] = []
            if not self.is_sym("}"):
                while True:
                    pairs.append(self.ternary())
                    self.expect(":")
                    pairs.append(self.ternary())
                    if not self.is_sym(","):
                        break
                    self.next()
            self.expect("}")
            return Node("map", None, tuple(pairs), position=token.position)
        raise ExpressionSyntaxError(f"unexpected {_describe(token)}", token.position)


def _check_literal_pattern(node: Node) -> None:
    """A regular expression written as a text literal must compile (RE2, see core.patterns)."""
    if node.kind == "literal" and isinstance(node.value, str):
        try:
            compile_pattern(node.value)
        except PatternError as exc:
            raise ExpressionSyntaxError(str(exc), node.position) from None


def tree_depth(node: Node) -> int:
    """Depth of a syntax tree, measured without recursion."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in current.children)
    return deepest


def _describe(token: Token) -> str:
    if token.kind == "eof":
        return "end of expression"
    if token.kind == "field":
        return "field reference"
    return shown(token.value, quoted=True)


def _check_arity(token: Token, count: int, arity: tuple[int, int | None] | None, what: str) -> None:
    if arity is None:
        raise ExpressionSyntaxError(f"unknown {what} {shown(token.value, quoted=True)}", token.position)
    low, high = arity
    if count < low or (high is not None and count > high):
        expected = f"{low}" if low == high else (f"at least {low}" if high is None else f"{low} to {high}")
        raise ExpressionSyntaxError(f"{what} {shown(token.value, quoted=True)} takes {expected} argument(s), got {count}",
                                    token.position)


def parse(text: str, arity: Arity, pattern_arguments: PatternArguments = _no_patterns) -> Node:
    """The syntax tree of ``text``; :class:`ExpressionSyntaxError` when it cannot be read.

    ``pattern_arguments`` names, per function, the arguments that are regular expressions, so
    literal ones are compiled (and refused) here.
    """
    if not isinstance(text, str):
        raise ExpressionSyntaxError("the expression must be a string", 0)
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionSyntaxError(f"an expression may have at most {MAX_EXPRESSION_LENGTH} characters, "
                                    f"this one has {len(text)}", MAX_EXPRESSION_LENGTH)
    tree = _Parser(text, arity, pattern_arguments).parse()
    if tree_depth(tree) > MAX_TREE_DEPTH:
        raise ExpressionSyntaxError(f"the expression is more than {MAX_TREE_DEPTH} operations deep", 0)
    return tree


def field_references(node: Node) -> list[tuple[str, ...]]:
    """Every source field path an expression reads, in order of appearance."""
    found: list[tuple[str, ...]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.kind == "field":
            found.append(current.path)
        stack.extend(reversed(current.children))
    return found
