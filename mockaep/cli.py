"""Command line: ``mockaep serve`` and friends.

Each subcommand registers itself through ``_COMMANDS`` (name → (add_arguments, run)), so a new
one is a pair of functions, not an edit of a growing if-chain.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from typing import Callable

from mockaep import __version__

_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def command(name: str, help_text: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    def register(run: Callable[[argparse.Namespace], int]):
        _COMMANDS[name] = (help_text, add_arguments, run)
        return run
    return register


# -- serve ---------------------------------------------------------------------------------------
def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="TCP port (default: 8080; 0 picks a free one)")
    parser.add_argument("--threads", type=int, default=8, help="worker threads of the WSGI server (default: 8)")
    parser.add_argument("--seed", metavar="FILE", help="state document (GET /_mockaep/state format) to load at start")
    parser.add_argument("--replay", metavar="CASSETTE", help="serve the exchanges recorded in CASSETTE")
    parser.add_argument("--replay-mode", choices=("strict", "hybrid"), default="strict",
                        help="unmatched requests: 4xx naming the closest recordings (strict, default) "
                             "or fall through to the stateful emulator (hybrid)")
    parser.add_argument("--match-on", default="method,path,query,body",
                        help="comma-separated request parts replay matches on (default: method,path,query,body)")
    parser.add_argument("--strict-auth", action="store_true",
                        help="accept only tokens issued by /ims/token/v3 (default: any non-empty token)")
    parser.add_argument("--client", action="append", default=[], metavar="ID:SECRET",
                        help="an IMS client credential the token endpoint accepts (repeatable; default: any)")
    parser.add_argument("--sandbox", action="append", default=[], metavar="NAME",
                        help="a known sandbox name (repeatable; default: any well-formed name exists)")
    parser.add_argument("--require-sandbox-header", action="store_true",
                        help="refuse requests without x-sandbox-name instead of using the prod sandbox")


def build_config(args: argparse.Namespace):
    from mockaep.core.config import Config

    clients = {}
    for pair in args.client:
        client_id, sep, secret = pair.partition(":")
        if not sep or not client_id:
            raise SystemExit(f"mockaep: --client takes ID:SECRET, got {pair!r}")
        clients[client_id] = secret
    return Config(strict_auth=args.strict_auth, clients=clients, sandboxes=tuple(args.sandbox),
                  require_sandbox_header=args.require_sandbox_header, seed_file=args.seed)


def build_app(args: argparse.Namespace):
    from mockaep.app import create_app

    try:
        app = create_app(build_config(args))
    except ValueError as exc:
        raise SystemExit(f"mockaep: {exc}") from None
    if getattr(args, "replay", None):
        from mockaep.replay import install_replay

        try:
            install_replay(app, args.replay, mode=args.replay_mode, match_on=args.match_on.split(","))
        except ValueError as exc:
            raise SystemExit(f"mockaep: {exc}") from None
    return app


def run_wsgi(app, host: str, port: int, threads: int, banner: str) -> int:
    """Serve ``app`` on waitress until SIGINT/SIGTERM; print the base URL once listening."""
    from waitress.server import create_server

    server = create_server(app, host=host, port=port, threads=threads, ident="mockaep")
    bound_port = server.socket.getsockname()[1] if hasattr(server, "socket") else port
    shown_host = f"[{host}]" if ":" in host else host
    print(f"{banner} http://{shown_host}:{bound_port}", flush=True)

    def close_idle_connections() -> None:
        # waitress's loop runs while any connection is open, and clients keep idle keep-alive
        # connections for as long as they like: close each once it has no request in flight
        for _ in range(100):
            channels = [c for c in list(getattr(server, "_map", {}).values()) if hasattr(c, "requests")]
            if not channels:
                return
            for channel in channels:
                if not channel.requests and getattr(channel, "request", None) is None \
                        and not channel.total_outbufs_len:
                    channel.will_close = True
            time.sleep(0.2)

    def stop(_signum, _frame):
        def shut_down() -> None:
            server.close()
            close_idle_connections()
        threading.Thread(target=shut_down, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.run()
    except (OSError, ValueError):
        # waitress raises when its sockets close underneath the loop during shutdown
        pass
    print("mockaep stopped", flush=True)
    return 0


@command("serve", "start the emulator on a production WSGI server (waitress)", _serve_arguments)
def serve(args: argparse.Namespace) -> int:
    app = build_app(args)
    return run_wsgi(app, args.host, args.port, args.threads, "mockaep listening on")


# -- coverage ------------------------------------------------------------------------------------
def _coverage_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--missing", action="store_true", help="list only the operations not served")


@command("coverage", "print, per official spec file, which operations the emulator serves", _coverage_arguments)
def coverage(args: argparse.Namespace) -> int:
    from mockaep.coverage import coverage_table

    served_total = total = 0
    for service, rows in coverage_table().items():
        served = sum(1 for r in rows if r.served)
        served_total += served
        total += len(rows)
        print(f"{service}: {served}/{len(rows)} operations served")
        for row in rows:
            if args.missing and row.served:
                continue
            mark = "x" if row.served else " "
            print(f"  [{mark}] {row.method:<6} {row.path}  ({row.operation_id or '-'})")
    print(f"total: {served_total}/{total}")
    return 0


def main(argv: list[str] | None = None) -> int:
    # Subcommands living in their own modules register on import.
    for module in ("mockaep.replay.cli",):
        try:
            __import__(module)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module.startswith(exc.name):
                raise
    parser = argparse.ArgumentParser(prog="mockaep", description="Offline emulator of Adobe Experience Platform APIs.")
    parser.add_argument("--version", action="version", version=f"mockaep {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, add_arguments, _run) in _COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    return _COMMANDS[args.command][2](args)


if __name__ == "__main__":
    # ``python -m mockaep.cli``: run the imported module's main, where other modules' subcommands register
    from mockaep.cli import main as imported_main

    sys.exit(imported_main())
