"""Command line: ``mockaep serve`` and friends.

Every subcommand is a pair of functions (add its arguments, run it) listed once in ``COMMANDS``;
the replay subcommands live in ``mockaep.replay.cli``."""
from __future__ import annotations

import argparse
import re
import sys
from typing import Callable

from mockaep.core.version import __version__
from mockaep.coverage import coverage_table
from mockaep.replay import cli as replay_cli
from mockaep.app import create_app
from mockaep.core.clock import MODES as CLOCK_MODES
from mockaep.core.config import Config
from mockaep.replay import install_replay
from mockaep.replay.matcher import DEFAULT_MATCH_ON, MATCH_PARTS, parse_match_on
from mockaep.web import accesslog
from mockaep.web.gateway import SANDBOX_NAME_RE
from mockaep.web.journal import MAX_SIZE as MAX_JOURNAL_SIZE, MIN_SIZE as MIN_JOURNAL_SIZE
from mockaep.web.server import MAX_THREADS, cannot_listen, run_wsgi

# -- argument hygiene: every refusal is one line, "mockaep: ...", and a non-zero exit -----------
class CommandLineParser(argparse.ArgumentParser):
    """argparse with one-line refusals (``mockaep: <problem> (see mockaep COMMAND --help)``)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"mockaep: {message} (see {self.prog} --help)\n")


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer in {low}..{high}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be in {low}..{high}, got {value}")
        return value
    return parse


def non_blank(text: str) -> str:
    """An option value that must say something (``--admin-token "$UNSET_VARIABLE"`` passes ``""``)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty (is the variable you passed set?)")
    return text


def match_parts(text: str) -> tuple[str, ...]:
    """``--match-on``: the replay matcher's own check (known parts, at least one)."""
    try:
        return parse_match_on(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def sandbox_name(text: str) -> str:
    """``--sandbox``: a name the gateway would not refuse (``SANDBOX_NAME_RE``): a sandbox named
    otherwise could never be addressed."""
    if not SANDBOX_NAME_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a sandbox name: 1 to 64 lowercase letters, digits "
                                         "and '-', starting with a letter or digit")
    return text


#: An IMS org id as the platform writes it: ``<id>@AdobeOrg``.
ORG_ID_RE = re.compile(r"[^@\s,]+@AdobeOrg")


def client_credential(pair: str) -> tuple[str, str, tuple[str, ...]]:
    """``--client ID:SECRET[@ORG,...]`` → (id, secret, orgs); the secret cannot contain '@'."""
    client_id, sep, rest = pair.partition(":")
    secret, at, orgs = rest.partition("@")
    org_ids = tuple(o.strip() for o in orgs.split(",") if o.strip())
    if not sep or not client_id or not secret or (at and not org_ids):
        raise argparse.ArgumentTypeError(f"takes ID:SECRET or ID:SECRET@ORG,..., got {pair!r}")
    wrong = [o for o in org_ids if not ORG_ID_RE.fullmatch(o)]
    if wrong:
        raise argparse.ArgumentTypeError(f"client {client_id}: {wrong[0]!r} is not an IMS org id (<id>@AdobeOrg; "
                                         "a secret cannot contain '@')")
    return client_id, secret, org_ids


#: Options that mean nothing without another one: option → the one it needs.
NEEDS = {"replay_mode": "--replay", "match_on": "--replay", "snapshot_interval": "--state-file"}


def check_dependent_options(args: argparse.Namespace) -> None:
    for name, needed in NEEDS.items():
        if getattr(args, name, None) is not None and not getattr(args, needed.lstrip("-").replace("-", "_"), None):
            option = "--" + name.replace("_", "-")
            raise SystemExit(f"mockaep: {option} needs {needed} (it means nothing without it)")


# -- serve ---------------------------------------------------------------------------------------
def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=bounded_int(0, 65535), default=8080,
                        help="TCP port, 0..65535 (default: 8080; 0 picks a free one)")
    parser.add_argument("--threads", type=bounded_int(1, MAX_THREADS), default=8,
                        help=f"worker threads of the WSGI server, 1..{MAX_THREADS} (default: 8)")
    parser.add_argument("--seed", metavar="FILE", action="append", default=[],
                        help="state document (GET /_mockaep/state format) to load at start (repeatable: "
                             "documents of distinct orgs or sandboxes; one naming a tenant an earlier one "
                             "loaded is refused)")
    parser.add_argument("--replay", metavar="CASSETTE", help="serve the exchanges recorded in CASSETTE")
    parser.add_argument("--replay-mode", choices=("strict", "hybrid"), default=None,
                        help="with --replay: unmatched requests get a 4xx naming the closest recordings "
                             "(strict, default) or fall through to the stateful emulator (hybrid)")
    parser.add_argument("--match-on", type=match_parts, default=None, metavar="PART,...",
                        help="with --replay: comma-separated request parts replay matches on, from "
                             f"{', '.join(MATCH_PARTS)} (default: {','.join(DEFAULT_MATCH_ON)})")
    parser.add_argument("--strict-auth", action="store_true",
                        help="accept only tokens issued by /ims/token/v3 (default: any non-empty token)")
    parser.add_argument("--client", type=client_credential, action="append", default=[],
                        metavar="ID:SECRET[@ORG,...]",
                        help="an IMS client credential the token endpoint accepts (repeatable; default: any); "
                             "@ORG,... (org ids, <id>@AdobeOrg) binds its tokens to those orgs under "
                             "--strict-auth; the secret cannot contain '@'")
    parser.add_argument("--sandbox", type=sandbox_name, action="append", default=[], metavar="NAME",
                        help="a known sandbox name (repeatable; default: any well-formed name exists)")
    parser.add_argument("--require-sandbox-header", action="store_true",
                        help="refuse requests without x-sandbox-name instead of using the prod sandbox")
    _shared_emulator_arguments(parser)
    _serve_testing_arguments(parser)


def _serve_testing_arguments(parser: argparse.ArgumentParser) -> None:
    """Clock, journal and logging options of ``serve``."""
    group = parser.add_argument_group("testing", "the emulator clock, the request journal, logs")
    group.add_argument("--clock", choices=CLOCK_MODES, default="wall",
                       help="wall: time passes (default); virtual: time stands still until moved with "
                            "POST /_mockaep/clock")
    group.add_argument("--journal-size", type=bounded_int(MIN_JOURNAL_SIZE, MAX_JOURNAL_SIZE), default=1000,
                       metavar="N", help=f"requests GET /_mockaep/requests keeps, {MIN_JOURNAL_SIZE}.."
                                         f"{MAX_JOURNAL_SIZE} (default: 1000; the oldest go first)")
    logging_options = group.add_mutually_exclusive_group()
    logging_options.add_argument("--log-level", choices=accesslog.LEVELS, default="info",
                                 help="stderr log level: info (default) writes one access line per request")
    logging_options.add_argument("--quiet", action="store_true",
                                 help="no access lines on stderr (warnings and errors only)")


# Running one emulator for many clients (README, "Running a shared emulator").
def _shared_emulator_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("shared emulator", "credentials, persistence and quotas "
                                      "(--client ID:SECRET@ORG,... binds the client's tokens to those orgs)")
    group.add_argument("--admin-token", type=non_blank, action="append", default=[], metavar="TOKEN",
                       help="bearer token that may use the control plane /_mockaep (repeatable); with "
                            "--strict-auth or an admin credential, the control plane needs one (health excepted)")
    group.add_argument("--admin-client", action="append", default=[], metavar="ID",
                       help="a --client whose IMS tokens may use the control plane (repeatable)")
    group.add_argument("--state-file", metavar="PATH",
                       help="restore the state from PATH at start (when it exists) and snapshot it there "
                            "atomically every --snapshot-interval seconds and at shutdown")
    group.add_argument("--snapshot-interval", type=float, default=None, metavar="SECONDS",
                       help="seconds between state-file snapshots (default: 5)")
    group.add_argument("--upload-quota-mb", type=int, default=1024, metavar="MB",
                       help="per org and sandbox, the megabytes of Batch Ingestion files kept staged (default: 1024)")


def _shared_emulator_config(args: argparse.Namespace, clients: dict[str, str]) -> dict:
    unknown = [c for c in args.admin_client if c not in clients]
    if unknown:
        # an unregistered client id takes any secret: anyone could mint an admin token
        raise SystemExit(f"mockaep: --admin-client {unknown[0]} needs a --client {unknown[0]}:SECRET")
    interval = 5.0 if args.snapshot_interval is None else args.snapshot_interval
    if interval <= 0:
        raise SystemExit("mockaep: --snapshot-interval must be a positive number of seconds")
    if args.upload_quota_mb < 1:
        raise SystemExit("mockaep: --upload-quota-mb must be at least 1")
    return {"admin_tokens": tuple(args.admin_token), "admin_clients": tuple(args.admin_client),
            "state_file": args.state_file, "snapshot_interval_seconds": interval,
            "upload_quota_bytes": args.upload_quota_mb * 1024 * 1024}


def build_config(args: argparse.Namespace):
    clients, client_orgs = {}, {}
    for client_id, secret, orgs in args.client:  # checked by client_credential
        clients[client_id] = secret
        if orgs:
            client_orgs[client_id] = orgs
    return Config(strict_auth=args.strict_auth, clients=clients, sandboxes=tuple(args.sandbox),
                  require_sandbox_header=args.require_sandbox_header, seed_files=tuple(args.seed),
                  clock_mode=args.clock, journal_size=args.journal_size,
                  client_orgs=client_orgs, **_shared_emulator_config(args, clients))


def build_app(args: argparse.Namespace):
    config = build_config(args)  # refuses bad values first
    check_dependent_options(args)
    try:
        app = create_app(config)
    except ValueError as exc:
        raise SystemExit(f"mockaep: {exc}") from None
    if getattr(args, "replay", None):
        try:
            install_replay(app, args.replay, mode=args.replay_mode or "strict", match_on=args.match_on)
        except ValueError as exc:
            raise SystemExit(f"mockaep: {exc}") from None
    return app


def serve(args: argparse.Namespace) -> int:
    app = build_app(args)
    emu = app.extensions["mockaep"]
    _warn_about_exposure(args, emu.config)
    state_file = emu.state_file
    if state_file is not None:
        try:
            state_file.snapshot_now()  # a state file that cannot be written is refused at start
        except OSError as exc:
            raise SystemExit(f"mockaep: {args.state_file}: cannot write the state file: {exc.strerror or exc}") \
                from None
        state_file.start()
    accesslog.configure(args.log_level, quiet=args.quiet)
    try:
        return run_wsgi(app, args.host, args.port, args.threads, "mockaep listening on",
                        max_body_bytes=emu.config.max_upload_bytes,
                        on_shutdown=state_file.stop if state_file is not None else None)
    except OSError as exc:  # the port is taken, or the host is not an address of this machine
        if state_file is not None:
            state_file.stop()
        raise SystemExit(f"mockaep: {cannot_listen(args.host, args.port, exc)}") from None


def _warn_about_exposure(args: argparse.Namespace, config) -> None:
    if config.strict_auth and not (config.admin_tokens or config.admin_clients):
        print("mockaep: note: --strict-auth without --admin-token/--admin-client: the control plane "
              "(/_mockaep, health excepted) refuses every request", file=sys.stderr, flush=True)
    elif not config.strict_auth and args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"mockaep: note: listening on {args.host} without --strict-auth: anyone who reaches it can "
              "read, change and reset every org's state", file=sys.stderr, flush=True)


# -- coverage ------------------------------------------------------------------------------------
def _coverage_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--missing", action="store_true", help="list only the operations not served")


def coverage(args: argparse.Namespace) -> int:
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


#: name → (help, add its arguments, run it): every subcommand, in the order ``--help`` lists them.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {
    "serve": ("start the emulator on a production WSGI server (waitress)", _serve_arguments, serve),
    "record": (replay_cli.RECORD_HELP, replay_cli.record_arguments, replay_cli.record),
    "import-postman": (replay_cli.IMPORT_POSTMAN_HELP, replay_cli.import_arguments, replay_cli.import_postman),
    "coverage": ("print, per official spec file, which operations the emulator serves", _coverage_arguments,
                 coverage),
}


def main(argv: list[str] | None = None) -> int:
    parser = CommandLineParser(prog="mockaep", description="Offline emulator of Adobe Experience Platform APIs.")
    parser.add_argument("--version", action="version", version=f"mockaep {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, add_arguments, _run) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    return COMMANDS[args.command][2](args)


if __name__ == "__main__":
    sys.exit(main())
