"""The layers ARCHITECTURE.md states, enforced by reading every import of every module.

- no import cycles between modules (module-level imports; ``if TYPE_CHECKING`` ones excluded);
- no import inside a function (a cycle dodged is a cycle), no ``except ImportError`` around a
  project module, no module-level mutable caches (``functools.cache``/``lru_cache``);
- who may import whom: the table below, one row per layer.
"""
from __future__ import annotations

import ast
import inspect
import pathlib
from collections import defaultdict

from mockaep import create_app
from mockaep.core import ports
from mockaep.registry import SERVICES

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGES = {"mockaep": ROOT / "mockaep", "mockaep_client": ROOT / "client", "mockaep_contracts": ROOT / "contracts",
            "mockaep_pytest": ROOT / "mockaep_pytest"}
PROJECT = tuple(PACKAGES)


def module_files() -> dict[str, pathlib.Path]:
    found = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts and (parts[-1].startswith("test_") or parts[-1] == "conftest"):
                continue  # the contract suite's test modules are tests, not library code
            found[".".join([package, *parts])] = path
    return found


MODULES = module_files()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str) -> tuple[set[str], list[str]]:
    """(project modules imported at module level, problems found)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    imported: set[str] = set()
    problems: list[str] = []

    def targets(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        if isinstance(node, ast.ImportFrom):
            base = _resolve(module, node)
            names = []
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                names.append(candidate if candidate in MODULES else base)
            return names
        return []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found = [t for t in targets(child) if t.split(".")[0] in PROJECT]
                if in_function and found:
                    problems.append(f"{module}:{child.lineno} imports {found[0]} inside a function")
                imported.update(found)
            if isinstance(child, ast.Try):
                for handler in child.handlers:
                    names = ast.unparse(handler.type) if handler.type is not None else ""
                    if "ImportError" in names or "ModuleNotFoundError" in names:
                        guarded = [t for stmt in child.body for n in ast.walk(stmt) for t in targets(n)]
                        if any(t.split(".")[0] in PROJECT for t in guarded):
                            problems.append(f"{module}:{child.lineno} guards a project import with {names}")
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for decorator in child.decorator_list:
                    text = ast.unparse(decorator)
                    if text.split("(")[0] in ("functools.cache", "functools.lru_cache", "cache", "lru_cache"):
                        problems.append(f"{module}:{child.lineno} caches in a module global ({text})")
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(tree, False)
    # importing a package's submodule implies its package's __init__, not a cycle by itself
    return {m for m in imported if m in MODULES and m != module}, problems


GRAPH: dict[str, set[str]] = {}
PROBLEMS: list[str] = []
for _name in MODULES:
    GRAPH[_name], _found = imports_of(_name)
    PROBLEMS.extend(_found)


def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "mockaep":
        return parts[0]
    if len(parts) == 1:
        return "mockaep"
    if parts[1] == "services" and len(parts) > 2:
        # a service's package (it exports the blueprint) and its routes modules are its web side
        web_side = len(parts) == 3 or parts[3] == "routes" or parts[3].endswith("_routes")
        return f"services.{parts[2]}.{'routes' if web_side else 'model'}"
    return parts[1]


#: layer → the layers it may import (besides itself). A service's model modules may import core
#: only (and their own service); its routes modules may also import the web layer.
ALLOWED = {
    "core": set(),
    "specs": set(),
    "services": set(),
    "web": {"core"},
    "registry": {"core", "services"},
    "app": {"core", "web", "registry"},
    "coverage": {"core", "registry", "app"},
    "replay": {"core", "app", "web", "mockaep_client"},
    "testing": {"core", "app", "web", "mockaep_client", "replay"},
    "cli": {"core", "app", "web", "replay", "coverage", "testing"},
    "mockaep": {"core", "app", "testing"},
    "mockaep_client": set(),
    "mockaep_contracts": {"mockaep_client", "mockaep", "core"},
    # loaded in every pytest run: imports nothing of mockaep until a fixture is used
    "mockaep_pytest": set(),
}


def allowed(importer: str, imported: str) -> bool:
    source, target = layer_of(importer), layer_of(imported)
    if source == target or imported in ("mockaep.services", "mockaep.specs"):
        return True
    if source.startswith("services."):
        _, service, side = source.split(".")
        if target.startswith(f"services.{service}."):
            return side == "routes" or target.endswith(".model")
        if target.startswith("services."):
            return False  # never another service: ctx.backend(name)
        return target == "core" or (side == "routes" and target == "web")
    base = target.split(".")[0] if target.startswith("services.") else target
    return base in ALLOWED.get(source, set()) or (base == "services" and "services" in ALLOWED.get(source, set()))


def test_no_imports_inside_functions_no_import_hedges_no_module_caches():
    assert PROBLEMS == []


def test_every_import_follows_the_layers():
    wrong = sorted(f"{a} ({layer_of(a)}) imports {b} ({layer_of(b)})"
                   for a, targets in GRAPH.items() for b in targets if not allowed(a, b))
    assert wrong == []


def test_no_import_cycles():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def strongconnect(node: str) -> None:  # Tarjan, iterative enough for this graph's depth
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH.get(node, ()):
            if target not in index:
                strongconnect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            strongconnect(module)
    assert cycles == []


def test_the_core_knows_nothing_of_flask():
    offenders = []
    for module, path in MODULES.items():
        if layer_of(module) == "core":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                if any(n.split(".")[0] in ("flask", "werkzeug", "waitress") for n in names):
                    offenders.append(module)
    assert offenders == []


def test_every_module_belongs_to_a_layer_of_the_table():
    unknown = sorted(m for m in MODULES if layer_of(m) not in ALLOWED and not layer_of(m).startswith("services."))
    assert unknown == []


def test_reverse_dependencies_are_known():
    """Sanity: the graph is non-trivial (the parser sees imports)."""
    users = defaultdict(set)
    for importer, targets in GRAPH.items():
        for target in targets:
            users[target].add(importer)
    assert len(users["mockaep.core.errors"]) > 20


def test_every_backend_implements_its_port():
    """What ``ctx.backend(name)`` returns offers every method of the service's port, with the
    port's parameters (mockaep.core.ports): a caller coded against the port cannot miss."""
    port_of = {"catalog": ports.CatalogPort, "schemaregistry": ports.SchemaRegistryPort,
               "conversion": ports.DataPrepPort}
    backends = {s.name: s.backend for s in SERVICES if s.backend is not None}
    assert set(port_of) <= set(backends)
    for name, port in port_of.items():
        for method, declared in inspect.getmembers(port, inspect.isfunction):
            if method.startswith("_"):
                continue
            implemented = getattr(backends[name], method, None)
            assert implemented is not None, f"{name} backend lacks {method}"
            assert list(inspect.signature(implemented).parameters) == list(inspect.signature(declared).parameters), \
                f"{name}.{method}: {inspect.signature(implemented)} vs port {inspect.signature(declared)}"


def test_no_view_or_hook_is_a_coroutine_function():
    """``EmulatorApp.ensure_sync`` hands Flask every view and hook as is: none may be ``async``."""
    app = create_app()
    registered = list(app.view_functions.values())
    for table in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
                  app.url_value_preprocessors, app.url_default_functions):
        registered += [func for funcs in table.values() for func in funcs]
    registered += list(app.teardown_appcontext_funcs)
    registered += [handler for by_code in app.error_handler_spec.values() for by_class in by_code.values()
                   for handler in by_class.values()]
    assert len(registered) > 100  # the routes, the gateway's hooks and its error renderers
    assert not [func for func in registered if inspect.iscoroutinefunction(inspect.unwrap(func))]
