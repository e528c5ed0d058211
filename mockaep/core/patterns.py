"""User-supplied regular expressions, run in linear time.

Every pattern a user can send (Catalog and Schema Registry ``~`` filters, Data Prep's regex
functions and ``=~``, ``pattern`` in connection specs and XDM fields) is compiled here with RE2
(``google-re2``): matching costs time linear in the text whatever the pattern, so ``^(a+)+$`` can
not stall a worker. RE2 refuses what needs backtracking (back-references, look-around); such a
pattern is refused up front with :class:`PatternError`, as is one longer than
:data:`MAX_PATTERN_LENGTH` or whose compiled program would exceed :data:`MAX_PROGRAM_BYTES`.

No module-level cache: RE2 compiles a typical pattern in a few microseconds; callers that match
one pattern against many values (a filter over a page, a mapping over rows) compile it once.
"""
from __future__ import annotations

import re
from typing import Sequence

import re2

from mockaep.core.errors import shown

#: Longest pattern accepted (characters). Platform patterns (XDM ``pattern``, filters) are short.
MAX_PATTERN_LENGTH = 1000
#: Memory budget of one compiled pattern; RE2 refuses to compile beyond it.
MAX_PROGRAM_BYTES = 4 << 20
#: Largest repetition count RE2 takes (``a{1000}``).
MAX_REPEAT = 1000
_REPEAT = re.compile(r"\{([0-9]+)(?:,([0-9]*))?\}")


class PatternError(ValueError):
    """A pattern that cannot be compiled within the bounds; the message says why."""


Pattern = re2._Regexp  # the compiled type (search, match, fullmatch, finditer, sub, split)


def compile_pattern(pattern: object, *, ignore_case: bool = False) -> Pattern:
    """A linear-time compiled pattern, or :class:`PatternError` naming the problem."""
    if not isinstance(pattern, str):
        raise PatternError("a regular expression must be a string")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"the regular expression is longer than {MAX_PATTERN_LENGTH} characters")
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_PROGRAM_BYTES
    options.case_sensitive = not ignore_case
    _check_repeats(pattern)
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(f"{shown(pattern, quoted=True)} is not a supported regular expression: "
                           f"{shown(reason)}") from None
    except (TypeError, ValueError, OverflowError) as exc:
        raise PatternError(f"{shown(pattern, quoted=True)} is not a supported regular expression: {shown(exc)}") from None


def _check_repeats(pattern: str) -> None:
    """Refuse a repetition count beyond :data:`MAX_REPEAT`. RE2 refuses most, but reads one with
    nine digits or more as literal text (``a{99999999999}`` matches that string), where the
    platform's regular expressions refuse it: the user meant a repetition."""
    position, in_class = 0, False
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            position += 2 if pattern[position + 1:position + 2] == "]" else 1
            continue
        elif char == "{":
            found = _REPEAT.match(pattern, position)
            if found and any(count and int(count) > MAX_REPEAT for count in found.groups()):
                raise PatternError(f"'{pattern[:200]}' is not a supported regular expression: the repetition "
                                   f"{found.group(0)[:40]} exceeds {MAX_REPEAT}")
        position += 1


def is_valid(pattern: object) -> bool:
    try:
        compile_pattern(pattern)
    except PatternError:
        return False
    return True


def template(pieces: Sequence[str]) -> Pattern:
    """Literal ``pieces`` with a non-empty stretch of any text between each two (captured as
    groups 1…n), to be used with ``fullmatch``: a recording's value whose placeholders stand for
    values a live request fills in. Compiled with RE2 like any pattern, so a long live value
    costs linear time (Python's ``.+?`` chains backtrack polynomially); the pieces are the
    recording's text, so only the program budget bounds them (:class:`PatternError` beyond it)."""
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_PROGRAM_BYTES
    options.dot_nl = True
    try:
        return re2.compile("(.+?)".join(re2.escape(piece) for piece in pieces), options)
    except re2.error as exc:
        raise PatternError(f"a recorded value is too long to match against: {exc}") from None
