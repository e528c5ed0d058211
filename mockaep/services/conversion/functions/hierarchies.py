"""Objects, arrays, logical and aggregation functions (data-prep/functions.md)."""
from __future__ import annotations

from typing import Any

from mockaep.core import jsonreader
from mockaep.core.errors import BadRequest
from mockaep.services.conversion import paths
from mockaep.services.conversion.functions import function
from mockaep.services.conversion.values import TransformError, check_array_length, is_number, to_text, truthy


def _items(values: tuple[Any, ...]) -> list[Any]:
    """Variadic functions take either several values or one array of them."""
    if len(values) == 1 and isinstance(values[0], list):
        return list(values[0])
    return list(values)


# -- objects -------------------------------------------------------------------------------------
@function("is_empty")
def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and len(value) == 0)


@function("is_null")
def is_null(value: Any) -> bool:
    return value is None


@function("arrays_to_object")
def arrays_to_object(*pairs: Any) -> list[dict[str, Any]]:
    """key, array, key, array… → one object per position."""
    if not pairs or len(pairs) % 2:
        raise TransformError("arrays_to_object takes key/array pairs")
    keys = [to_text(pairs[i]) for i in range(0, len(pairs), 2)]
    arrays = [pairs[i] if isinstance(pairs[i], list) else [pairs[i]] for i in range(1, len(pairs), 2)]
    size = max(len(a) for a in arrays)
    check_array_length(size * len(keys))  # every object gets every key
    return [{key: (array[i] if i < len(array) else None) for key, array in zip(keys, arrays)}
            for i in range(size)]


@function("to_object")
def to_object(*pairs: Any) -> dict[str, Any]:
    flat = _items(pairs)
    if len(flat) % 2:
        raise TransformError("to_object takes key/value pairs")
    return {to_text(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}


@function("str_to_object")
def str_to_object(value: Any, value_delimiter: Any = ":", field_delimiter: Any = ",") -> dict[str, Any] | None:
    if value is None:
        return None
    inner = to_text(value_delimiter) if value_delimiter not in (None, "") else ":"
    outer = to_text(field_delimiter) if field_delimiter not in (None, "") else ","
    text = to_text(value)
    check_array_length(text.count(outer) + 1)  # one field per delimited part, counted before splitting
    found: dict[str, Any] = {}
    for part in text.split(outer):
        key, sep, item = part.partition(inner)
        key = key.strip()
        if key and sep:
            found[key] = item.strip() or None
    return found


@function("get_values")
def get_values(value: Any, key: Any, value_delimiter: Any, field_delimiter: Any = ",") -> Any:
    found = str_to_object(value, value_delimiter, field_delimiter)
    return None if found is None else found.get(to_text(key))


@function("contains_key", env=True)
def contains_key(env: Any, path: Any) -> bool:
    """Whether the source row has this path (even with a null value)."""
    if path is None:
        return False
    text = to_text(path)
    if text in env.row:
        return True
    try:
        segments = paths.parse_path(text)
    except paths.PathError as exc:
        raise TransformError(str(exc)) from None
    node: Any = env.row
    for segment in segments:
        if isinstance(segment, str) and isinstance(node, dict) and segment in node:
            node = node[segment]
        elif isinstance(segment, int) and isinstance(node, list) and segment < len(node):
            node = node[segment]
        else:
            return False
    return True


@function("nullify")
def nullify() -> None:
    return None


@function("get_keys")
def get_keys(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TransformError("get_keys needs an object")
    return list(value)


@function("json_to_object")
def json_to_object(value: Any) -> Any:
    """Read with the project's one JSON reader, which bounds the nesting depth."""
    if value is None or isinstance(value, (dict, list)):
        return value
    try:
        return jsonreader.parse_json(to_text(value), what="JSON text")
    except BadRequest as exc:
        raise TransformError(exc.detail) from None


# -- arrays --------------------------------------------------------------------------------------
@function("coalesce")
def coalesce(*values: Any) -> Any:
    return next((v for v in _items(values) if v is not None), None)


@function("first")
def first(*values: Any) -> Any:
    items = _items(values)
    return items[0] if items else None


@function("last")
def last(*values: Any) -> Any:
    items = _items(values)
    return items[-1] if items else None


@function("add_to_array")
def add_to_array(array: Any, *values: Any) -> list[Any]:
    base = [] if array is None else (list(array) if isinstance(array, list) else [array])
    check_array_length(len(base) + len(values))
    return base + list(values)


@function("join_arrays")
def join_arrays(array: Any, *arrays: Any) -> list[Any]:
    check_array_length(sum(len(item) if isinstance(item, list) else 1 for item in (array, *arrays)))
    joined: list[Any] = []
    for item in (array, *arrays):
        if isinstance(item, list):
            joined.extend(item)
        elif item is not None:
            joined.append(item)
    return joined


@function("to_array")
def to_array(include_nulls: Any, *values: Any) -> list[Any]:
    keep_nulls = truthy(include_nulls)
    return [v for v in values if keep_nulls or v is not None]


@function("size_of")
def size_of(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, (list, dict, str)):
        return len(value)
    return 1


@function("upsert_array_append")
def upsert_array_append(array: Any) -> Any:
    """Outside a Profile update (always so in the emulator) the input is returned as is."""
    return array


@function("upsert_array_replace")
def upsert_array_replace(array: Any, *_position: Any) -> Any:
    return array


# -- logical and aggregation ---------------------------------------------------------------------
@function("decode")
def decode(key: Any, *options: Any) -> Any:
    """key, then match/result pairs, then an optional default."""
    for i in range(0, len(options) - 1, 2):
        if options[i] == key or (options[i] is not None and key is not None and to_text(options[i]) == to_text(key)):
            return options[i + 1]
    return options[-1] if len(options) % 2 else None


@function("iif")
def iif(condition: Any, when_true: Any, when_false: Any) -> Any:
    return when_true if truthy(condition) else when_false


def _extreme(values: tuple[Any, ...], pick: Any) -> Any:
    present = [v for v in _items(values) if v is not None]
    if not present:
        return None
    if all(is_number(v) for v in present) or all(isinstance(v, str) for v in present):
        return pick(present)
    raise TransformError("values of different kinds cannot be compared")


@function("min")
def min_(*values: Any) -> Any:
    return _extreme(values, min)


@function("max")
def max_(*values: Any) -> Any:
    return _extreme(values, max)
