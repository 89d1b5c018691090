"""`python -m bench <scenario> [flags]`: start the production stack, seed, measure, print figures.

`python -m bench all --write docs/PERFORMANCE.md` (what `make bench` runs) runs every scenario at
the issue's sizes, then `throughput` again with 1 and 4 workers, and rewrites the figures in the
file. `python -m bench smoke` runs every scenario at toy sizes (CI; no figures are judged).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import traceback
from pathlib import Path

from bench import report
from bench.report import Result
from bench.scenarios import SCENARIOS, Unavailable
from bench.stack import Stack, StackConfig, install_sigterm_handler


def _ints(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part]


# Each scenario's size flags and their defaults (the sizes).
FLAGS: dict[str, dict[str, tuple[type | object, object, str]]] = {
    "latency": {"messages": (int, 1000, "measured messages per transport"),
                "pairs": (int, 10, "direct chats to rotate over"),
                "warmup": (int, 50, "unmeasured messages first")},
    "throughput": {"pairs": (int, 100, "pairs of connected users (both send)"),
                   "duration": (float, 30.0, "measured seconds"),
                   "warmup": (float, 3.0, "unmeasured seconds first")},
    "fanout": {"members": (int, 100, "group size, the sender included"),
               "messages": (int, 200, "measured messages"),
               "warmup": (int, 10, "unmeasured messages first")},
    "history": {"sizes": (_ints, [1000, 100_000, 1_000_000], "messages in each chat, comma-separated"),
                "requests": (int, 200, "measured requests per page"),
                "warmup": (int, 20, "unmeasured requests first")},
    "inbox": {"sizes": (_ints, [10, 100, 1000], "chats of each measured user, comma-separated"),
              "messages_per_chat": (int, 5, "messages in each chat"),
              "requests": (int, 200, "measured requests per user"),
              "warmup": (int, 20, "unmeasured requests first")},
    "connections": {"sockets": (int, 5000, "idle authenticated sockets, one user each"),
                    "messages": (int, 200, "measured deliveries to one of them"),
                    "warmup": (int, 10, "unmeasured deliveries first"),
                    "concurrency": (int, 100, "handshakes in flight while opening")},
    "login": {"count": (int, 20, "measured logins"), "warmup": (int, 2, "unmeasured logins first")},
    "me": {"requests": (int, 4000, "measured requests, all clients together"),
           "clients": (int, 4, "concurrent clients, one request in flight each"),
           "warmup": (int, 50, "unmeasured requests per client first")},
    "search": {"chats": (int, 1000, "group chats (the searcher in one in ten)"),
               "per_chat": (int, 1000, "messages in each chat"),
               "requests": (int, 200, "measured requests per query"),
               "warmup": (int, 20, "unmeasured requests first")},
}

# Toy sizes: every code path once, a few seconds of load.
SMOKE: dict[str, dict[str, object]] = {
    "login": {"count": 1, "warmup": 0},
    "me": {"requests": 20, "clients": 2, "warmup": 2},
    "history": {"sizes": [100, 1000], "requests": 10, "warmup": 2},
    "inbox": {"sizes": [2, 5], "messages_per_chat": 2, "requests": 10, "warmup": 2},
    "latency": {"messages": 20, "pairs": 2, "warmup": 2},
    "fanout": {"members": 5, "messages": 5, "warmup": 1},
    "connections": {"sockets": 50, "messages": 5, "warmup": 1, "concurrency": 25},
    "throughput": {"pairs": 5, "duration": 2.0, "warmup": 0.5},
    "search": {"chats": 20, "per_chat": 50, "requests": 5, "warmup": 1},
}
ORDER = ["login", "me", "history", "inbox", "search", "latency", "fanout", "connections", "throughput"]
SCALING_WORKERS = [1, 4]


def scenario_args(name: str, **overrides: object) -> argparse.Namespace:
    values = {flag: default for flag, (_type, default, _help) in FLAGS[name].items()}
    values.update(overrides)
    return argparse.Namespace(**values)


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("stack")
    group.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    group.add_argument("--port", type=int, default=8160)
    group.add_argument("--db-name", default="chaat_bench", help="database created fresh and dropped after")
    group.add_argument("--keep-db", action="store_true", help="keep the database after the run")
    group.add_argument("--loop", default="uvloop", choices=["uvloop", "asyncio"])
    group.add_argument("--http", default="httptools", choices=["httptools", "h11"])
    group.add_argument("--ws-deflate", default="off", choices=["on", "off"],
                       help="permessage-deflate on the server's websockets (default off, as in production)")
    group.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                       help="extra environment for the server, e.g. CHANNEL_LAYER=pubsub")
    group.add_argument("--write", type=Path, help="rewrite the figures in this Markdown file")
    group.add_argument("--quiet-server", action="store_true", help="hide the server's own output")
    group.add_argument("--profile", action="store_true",
                       help="sample the server with py-spy while measuring; summary in bench/results/")

    root = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = root.add_subparsers(dest="scenario", required=True)
    for name, flags in FLAGS.items():
        p = sub.add_parser(name, parents=[common], help=SCENARIOS[name].__name__)
        for flag, (kind, default, text) in flags.items():
            p.add_argument(f"--{flag.replace('_', '-')}", dest=flag, type=kind, default=default,
                           help=f"{text} (default {default})")
    sub.add_parser("all", parents=[common],
                   help="every scenario at the issue's sizes, then throughput at 1 and 4 workers")
    sub.add_parser("smoke", parents=[common], help="every scenario at toy sizes (seconds), for CI")
    return root


def stack_config(args: argparse.Namespace, **overrides: object) -> StackConfig:
    env = dict(item.split("=", 1) for item in args.server_env)
    config = StackConfig(workers=args.workers, port=args.port, db_name=args.db_name, keep_db=args.keep_db,
                         loop=args.loop, http=args.http, env=env, quiet=args.quiet_server,
                         profile=args.profile, ws_deflate=args.ws_deflate == "on")
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


def describe(config: StackConfig) -> str:
    extra = "".join(f", {k}={v}" for k, v in config.env.items())
    return (f"uvicorn chaat.asgi:application, {config.workers} worker(s), --loop {config.loop} "
            f"--http {config.http}, --ws-per-message-deflate {str(config.ws_deflate).lower()}, DEBUG=0, "
            f"PostgreSQL + Redis on this machine{extra}")


def run(plan: list[tuple[str, argparse.Namespace]], stack: Stack,
        skipped: list[str]) -> tuple[list[Result], list[str]]:
    """Run scenarios on one stack; a failing one is reported and the rest still run; one the server
    cannot serve yet (Unavailable) is added to `skipped`."""
    results, failures = [], []
    for name, args in plan:
        print(f"\n-- {name} ...", flush=True)
        try:
            result = SCENARIOS[name](stack, args)
        except Unavailable as exc:
            print(f"   skipped: {exc}", flush=True)
            skipped.append(f"{name} (skipped: {exc})")
            continue
        except Exception as exc:
            traceback.print_exc()
            failures.append(f"{name}: {exc.__class__.__name__}: {exc}")
            continue
        result.print()
        results.append(result)
    return results, failures


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    install_sigterm_handler()
    # Thousands of sockets on both ends: the server processes inherit this limit.
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    started, load_before = dt.datetime.now(dt.UTC), report.load_average()
    config = stack_config(args)
    results: list[Result] = []
    failures: list[str] = []
    skipped: list[str] = []
    if args.scenario in FLAGS:
        plan = [(args.scenario, args)]
    elif args.scenario == "smoke":
        plan = [(name, scenario_args(name, **SMOKE[name])) for name in ORDER]
    else:
        plan = [(name, scenario_args(name)) for name in ORDER]

    with Stack(config) as stack:
        done, failed = run(plan, stack, skipped)
        results += done
        failures += failed
    if args.scenario == "all":
        # How throughput scales with server processes (issue item 5): a fresh stack each.
        for workers in SCALING_WORKERS:
            with Stack(stack_config(args, workers=workers)) as stack:
                done, failed = run([("throughput", scenario_args("throughput"))], stack, skipped)
            for result in done:
                result.scenario = f"throughput ({workers} worker{'s' if workers > 1 else ''})"
            results += done
            failures += failed

    if args.write:
        block = report.render(results, skipped + failures, started=started, finished=dt.datetime.now(dt.UTC),
                              load_before=load_before, load_after=report.load_average(),
                              postgres_url=config.postgres_url,
                              redis_url=config.redis_url, server=describe(config))
        report.write(args.write, block)
        print(f"\nwrote {args.write}")
    if skipped:
        print("\nSKIPPED:\n  " + "\n  ".join(skipped))
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
