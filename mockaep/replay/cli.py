"""``mockaep record`` and ``mockaep import-postman`` (``serve --replay`` lives with ``serve``): each a pair
of functions, (add its arguments, run it), that ``mockaep.cli`` lists in its table of commands."""
from __future__ import annotations

import argparse
import pathlib
import sys

from urllib.parse import urlsplit

from mockaep.replay.cassette import CassetteError, CassetteWriter, cassette_meta, utc_now_iso, write_cassette
from mockaep.replay.matcher import parse_pointer
from mockaep.replay.postman import import_collection
from mockaep.replay.proxy import RecordingProxy
from mockaep.replay.scrub import Scrubber
from mockaep.web.server import cannot_listen, run_wsgi


def record_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--upstream", required=True, metavar="URL",
                        help="where requests go: https://platform.adobe.io or a running emulator's base URL")
    parser.add_argument("--ims-upstream", metavar="URL",
                        help="where /ims/... requests go (default: --upstream; real IMS is ims-na1.adobelogin.com)")
    parser.add_argument("--out", required=True, metavar="CASSETTE", help="cassette file to write")
    parser.add_argument("--overwrite", action="store_true", help="replace CASSETTE if it exists")
    parser.add_argument("--secret", action="append", default=[], metavar="VALUE",
                        help="one more literal value to scrub (repeatable), e.g. a connection password")
    parser.add_argument("--ignore-body-field", action="append", default=[], metavar="POINTER",
                        help="JSON pointer of a request body field replay should not compare, e.g. "
                             "/scheduleParams/startTime (repeatable; '*' matches any key or index)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8081, help="TCP port (default: 8081; 0 picks a free one)")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default: 8)")


def _check_url(url: str, option: str) -> str:
    split = urlsplit(url)
    if split.scheme not in ("http", "https") or not split.hostname:
        raise SystemExit(f"mockaep: {option} must be an http(s) URL, got {url!r}")
    return url


def record(args: argparse.Namespace) -> int:
    upstream = _check_url(args.upstream, "--upstream")
    ims_upstream = _check_url(args.ims_upstream, "--ims-upstream") if args.ims_upstream else None
    scrubber = Scrubber(args.secret)
    meta = cassette_meta(upstream=scrubber.scrub_uri(upstream))
    if ims_upstream:
        meta["imsUpstream"] = scrubber.scrub_uri(ims_upstream)
    if args.ignore_body_field:
        try:
            [parse_pointer(p) for p in args.ignore_body_field]
        except ValueError as exc:
            raise SystemExit(f"mockaep: {exc}") from None
        meta["ignoreBodyFields"] = list(args.ignore_body_field)
    base_path = urlsplit(upstream).path.rstrip("/")
    if base_path:
        meta["upstreamBasePath"] = base_path
    try:
        writer = CassetteWriter(args.out, meta, overwrite=args.overwrite)
    except CassetteError as exc:
        raise SystemExit(f"mockaep: {exc}") from None
    proxy = RecordingProxy(upstream, writer, scrubber, ims_upstream=ims_upstream)
    try:
        run_wsgi(proxy, args.host, args.port, args.threads, f"mockaep recording {upstream} into {args.out} on")
    except OSError as exc:  # the port is taken, or the host is not ours
        writer.close()
        if writer.count == 0:
            pathlib.Path(args.out).unlink(missing_ok=True)
        raise SystemExit(f"mockaep: {cannot_listen(args.host, args.port, exc)}") from None
    finally:
        writer.close(closedAt=utc_now_iso(), interactions=writer.count)  # marks a clean stop
    print(f"mockaep wrote {writer.count} exchange(s) to {args.out}", flush=True)
    return 0


def import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("collection", metavar="COLLECTION", help="Postman collection (v2.1 JSON)")
    parser.add_argument("--out", required=True, metavar="CASSETTE", help="cassette file to write")
    parser.add_argument("--all-examples", action="store_true",
                        help="keep every saved example (default: the first 2xx example of each request)")


def import_postman(args: argparse.Namespace) -> int:
    try:
        interactions, meta = import_collection(args.collection, all_examples=args.all_examples)
        write_cassette(args.out, interactions, meta)
    except CassetteError as exc:
        print(f"mockaep: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"mockaep: {args.out}: cannot write cassette: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"mockaep wrote {len(interactions)} exchange(s) from {args.collection} to {args.out}")
    return 0


RECORD_HELP = "a recording proxy: forward to --upstream and write every exchange to a cassette"
IMPORT_POSTMAN_HELP = "turn a Postman collection's saved example responses into a cassette"
