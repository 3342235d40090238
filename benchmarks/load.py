"""Benchmark (issue 17, item 9, load): the dashboard and the gaps API of the national bundle,
with synthetic operations, under 50 clients with 1 s think time; then their maximum throughput,
beside the trivial view on the same server in the same run.

    .venv/bin/python benchmarks/load.py [--clients 50] [--think 1] [--seconds 60]
                                        [--requests 100] [--wrk-seconds 10]
                                        [--connections 1,2,4,8,16,32] [--port 8766]

It reuses web_pages.py's machinery (the bundle on PostgreSQL, its timing middleware and
/bench-minimal, the clients, the closed loop, wrk) with the national
bundle's overlay of synthetic operations loaded after the programme
(national_programme.generate_operations: 2,790 requests, 7,001 lines, pledges and shipments,
1,395 teams and deployments, 10,144 daily reports, 3,000 fund commitments and disbursements; the
programme date set to theirs, 2020-02-20), so that the gaps have requests, shipments, staff on
duty and funds to count. As web_pages.py, the interpreter that runs this script is the one
whose pairaid is served: to compare two commits, run it with each tree's interpreter.

The server is the documented production one (docs/deployment.md): `deploy/pairaid-launch web`,
i.e. gunicorn with PAIRAID_WEB_WORKERS (default 4) sync workers, DEBUG off, its access log on;
the launcher of this checkout, with the virtual environment of the interpreter that runs this
script (PAIRAID_VENV), so that two commits are served the same way. Only the settings module is
web_pages' (the timing middleware and the baseline view beside the app's URLs).

Steps, after web_pages' steps 1–2 (bundle, database `pairaid_bench_load`, callers):

1. one client at a time: --requests timed requests (after --warmup) of the trivial view, the
   dashboard `/p/<slug>/` (session) and the gaps API `/api/v1/programmes/<slug>/gaps` (Bearer
   token): the first request's server time (into the empty cache), server median and p95,
   round trip p50/p95/p99, queries per request;
2. closed loop: --clients threads, each with its own session or token, request, think --think
   seconds, request again, for --load-warmup (unreported) + --seconds: the trivial view, the
   dashboard and the gaps API in turn; requests, errors (any status but 200, any failed
   connection), round trip p50/p95/p99/max, with the 1-minute load average before and after;
3. maximum throughput: wrk for --wrk-seconds at each number of connections of --connections
   (no think time), for the trivial view, the dashboard and the gaps API, each request with
   the next client's session or token (a Lua script cycles through them): req/s, wrk's p50 and
   p99, errors (non-2xx and socket errors). The knee is the fewest connections whose rate is
   within 5 % of the best rate without errors; its rate is reported as the maximum throughput.

Prints Markdown for docs/benchmarks.md. Not part of CI.
"""

import argparse
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web_pages as bench
from national_programme import SLUG

DASHBOARD = f"/p/{SLUG}/"
GAPS = f"/api/v1/programmes/{SLUG}/gaps"
BASELINE = "/bench-minimal"
ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / "deploy" / "pairaid-launch"
KNEE_SHARE = 0.95  # the knee: the fewest connections reaching 95 % of the best rate

# A request per call, each with the next caller's header (session cookie or token).
WRK_CALLERS = """
local values = {%(values)s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "%(path)s", {["%(header)s"] = values[(n %% #values) + 1]})
end
"""


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--regions", type=int, default=3100)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--pairings", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=100, help="1 client: timed requests")
    parser.add_argument("--warmup", type=int, default=5, help="1 client: untimed requests")
    parser.add_argument("--clients", type=int, default=50, help="closed loop: clients")
    parser.add_argument("--think", type=float, default=1.0, help="closed loop: seconds between")
    parser.add_argument("--load-warmup", type=float, default=10, help="closed loop: unreported")
    parser.add_argument("--seconds", type=float, default=60, help="closed loop: per endpoint")
    parser.add_argument("--wrk-seconds", type=int, default=10, help="wrk: per run (0: none)")
    parser.add_argument("--connections", default="1,2,4,8,16,32", help="wrk: the ladder")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--workers", type=int, help="web processes (default: the launcher's, PAIRAID_WEB_WORKERS)"
    )
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="pairaid_bench_load")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--template", help=bench.TEMPLATE_HELP)
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE after loading")
    return parser.parse_args()


def _serve(args: argparse.Namespace, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The production web server (`deploy/pairaid-launch web`) on --port, once it answers."""
    server_env = dict(
        env,
        PAIRAID_BIND=f"127.0.0.1:{args.port}",
        PAIRAID_VENV=str(Path(sys.executable).parent.parent),
        PYTHONPATH=str(ROOT / "benchmarks"),  # the settings module, web_pages
    )
    if args.workers:
        server_env["PAIRAID_WEB_WORKERS"] = str(args.workers)
    with log.open("ab") as output:
        server = subprocess.Popen(
            [str(LAUNCHER), "web"],
            env=server_env,
            cwd=ROOT,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    bench._wait(args.port, server, log)
    return server


def _endpoints(caller: dict[str, Any]) -> list[tuple[str, str, str, list[str]]]:
    """(name, path, header, one header value per client) of what is measured."""
    cookie = caller["session_cookie"]
    return [
        ("baseline /bench-minimal", BASELINE, "X-Bench-Caller", ["-"]),
        (
            "dashboard /p/<slug>/",
            DASHBOARD,
            "Cookie",
            [f"{cookie}={s}" for s in caller["sessions"]],
        ),
        ("gaps API", GAPS, "Authorization", [f"Bearer {key}" for key in caller["keys"]]),
    ]


def _caller(header: str, value: str) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, cookies) of one caller: a session travels as a cookie, a token as a header."""
    if header == "Cookie":
        name, _, key = value.partition("=")
        return {}, {name: key}
    return {header: value}, {}


def _one_client(
    args: argparse.Namespace, port: int, caller: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    results = {}
    for name, path, header, values in _endpoints(caller):
        client = bench.Client(port)
        headers, cookies = _caller(header, values[0])
        client.cookies.update(cookies)
        results[name] = bench._measure(
            client, [path], count=args.requests, warmup=args.warmup, headers=headers
        )
        print("1 client", name, json.dumps(results[name]), flush=True)
    return results


def _closed(
    args: argparse.Namespace, port: int, caller: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    results = {}
    for name, path, header, values in _endpoints(caller):
        callers = [([path], *_caller(header, values[i % len(values)])) for i in range(args.clients)]
        results[name] = bench._closed_loop(
            port, callers, think_s=args.think, warmup_s=args.load_warmup, seconds=args.seconds
        )
        print("closed loop", name, json.dumps(results[name]), flush=True)
    return results


def _throughput(
    args: argparse.Namespace, port: int, root: Path, caller: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """Per endpoint, wrk at each number of connections of the ladder."""
    ladder = [int(n) for n in args.connections.split(",")]
    results: dict[str, list[dict[str, Any]]] = {}
    for index, (name, path, header, values) in enumerate(_endpoints(caller)):
        script = root / f"callers-{index}.lua"
        script.write_text(
            WRK_CALLERS
            % {"values": ", ".join(json.dumps(v) for v in values), "path": path, "header": header}
        )
        results[name] = []
        for connections in ladder:
            load_before = bench._load()
            run = bench._wrk_run(
                port,
                path,
                seconds=args.wrk_seconds,
                headers={},
                script=str(script),
                connections=connections,
            )
            del run["output"]
            run.update(connections=connections, load=(load_before, bench._load()))
            results[name].append(run)
            print("wrk", name, json.dumps(run), flush=True)
    return results


def _knee(runs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The fewest connections whose rate, without errors, is within 5 % of the best such."""
    clean = [r for r in runs if r["errors"] == 0]
    if not clean:
        return None
    best = max(r["rps"] for r in clean)
    return next(r for r in clean if r["rps"] >= KNEE_SHARE * best)


def main() -> None:
    args = _arguments()
    password = secrets.token_urlsafe(18)
    env = bench._environment(args)
    served = bench._served_commit()
    print(f"serving pairaid {served} ({sys.executable}), load {bench._load()}", flush=True)
    results: dict[str, Any] = {
        "commit": served,
        "started": time.strftime("%H:%M UTC", time.gmtime()),
    }
    server = None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        try:
            counts, caller = bench._prepare(args, env, root, password, operations=True)
            log = root / "gunicorn.log"
            server = _serve(args, bench._server_environment(env, root, False), log)
            results["one"] = _one_client(args, args.port, caller)
            results["closed"] = _closed(args, args.port, caller)
            if args.wrk_seconds > 0 and shutil.which("wrk"):
                results["wrk"] = _throughput(args, args.port, root, caller)
            elif args.wrk_seconds > 0:
                print("wrk not installed: throughput skipped (apt-get install -y wrk)")
        finally:
            bench._stop(server)
            if not args.keep_db:
                pg = ["-h", "127.0.0.1", "-U", "postgres"]
                subprocess.run(["dropdb", *pg, "--if-exists", args.database], env=env)
    results["ended"] = time.strftime("%H:%M UTC", time.gmtime())
    _report(counts, results, args)


def _report(counts: dict[str, int], results: dict[str, Any], args: argparse.Namespace) -> None:
    print()
    print(
        f"Commit {results['commit']}, {results['started']}–{results['ended']}, "
        f"`deploy/pairaid-launch web` with {args.workers or 'the default number of'} workers. "
        "Programme: "
        f"{counts['regions']:,} regions, {counts['participants']:,} participants, "
        f"{counts['pairings']:,} pairings; synthetic operations: {counts['requests']:,} requests, "
        f"{counts['lines']:,} request lines, pledges and shipments, {counts['deployments']:,} "
        f"deployments, {counts['reports']:,} reports, {counts['disbursements']:,} disbursements"
    )
    print()
    print(
        "| 1 client | requests | first request (server) | server median / p95 "
        "| round trip p50 / p95 / p99 | queries / request | size | load |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results["one"].items():
        print(
            f"| {name} | {r['n']} | {r['first_ms']:.1f} ms "
            f"| {r['server_median']:.1f} / {r['server_p95']:.1f} ms "
            f"| {r['client_median']:.1f} / {r['client_p95']:.1f} / {r['client_p99']:.1f} ms "
            f"| {'/'.join(str(q) for q in r['queries'])} | {r['kib']:.0f} KiB "
            f"| {r['load'][0]:.2f} → {r['load'][1]:.2f} |"
        )
    print()
    print(
        f"| {args.clients} clients, {args.think:g} s think, {args.seconds:g} s "
        "| requests | errors | req/s | round trip p50 / p95 / p99 / max | load |"
    )
    print("|---|---|---|---|---|---|")
    for name, r in results["closed"].items():
        print(
            f"| {name} | {r['requests']} | {r['errors']} | {r['rate']:.1f} "
            f"| {r['p50']:.1f} / {r['p95']:.1f} / {r['p99']:.1f} / {r['max']:.1f} ms "
            f"| {r['load'][0]:.2f} → {r['load'][1]:.2f} |"
        )
    if "wrk" in results:
        _report_throughput(results["wrk"], args)


def _report_throughput(wrk: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> None:
    print()
    print(f"Throughput, wrk {args.wrk_seconds} s per run, no think time:")
    print()
    print("| endpoint | connections | req/s | p50 | p99 | errors | load |")
    print("|---|---|---|---|---|---|---|")
    for name, runs in wrk.items():
        knee = _knee(runs)
        for r in runs:
            mark = " (knee)" if r is knee else ""
            print(
                f"| {name} | {r['connections']}{mark} | {r['rps']:.0f} | {r['p50']} | {r['p99']} "
                f"| {r['errors']} | {r['load'][0]:.2f} → {r['load'][1]:.2f} |"
            )
    print()
    for name, runs in wrk.items():
        knee = _knee(runs)
        if knee:
            print(f"- {name}: maximum throughput {knee['rps']:.0f} req/s at {knee['connections']}")
        else:
            print(f"- {name}: errors at every number of connections")


if __name__ == "__main__":
    main()
