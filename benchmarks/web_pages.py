"""Benchmark: pages and the pairings API of a national-scale programme, served by gunicorn
(2 workers) on PostgreSQL: one client at a time, then N clients in a closed loop with a think
time, beside a minimal Django view on the same server in the same run.

    .venv/bin/python benchmarks/web_pages.py [--requests 100] [--clients 50] [--think 1]
                                             [--load-seconds 60] [--seconds 10] [--port 8765]

The interpreter that runs this script serves: migrate, load and gunicorn run with
`sys.executable`, so the pairaid installed in its environment is the one measured. To compare
two commits, run this one script with each tree's interpreter (e.g.
`/tmp/pa-before/.venv/bin/python benchmarks/web_pages.py`); the report names the commit served.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth; override with --pg-url) and `wrk`
for the throughput part (`apt-get install -y wrk`; skipped with a note if absent, or with
--seconds 0). Not part of CI. Steps:

1. generate the national bundle (benchmarks/national_programme.py: about 3,100 regions,
   3,000 pairings, 30 dated indicators per region), create database `pairaid_bench` (dropped
   first if it exists), migrate, `pairaid scenario load` it, ANALYZE it (planner statistics, as
   autovacuum would gather them; skip with --no-analyze);
2. create a coordinator of the programme (password; one API token and one session per
   closed-loop client, so that no two clients share a row);
3. start `gunicorn pairaid.wsgi:application -w 2` with DEBUG=0 and this module as the settings
   module, which adds only this to pairaid.settings: a first middleware that reports, per
   request, the time spent inside Django's middleware stack and the number of database queries
   (response headers X-Bench-Ms, X-Bench-Queries); the path /bench-minimal answered by a plain
   HttpResponse through the same middleware (the baseline); as a second reference,
   /bench-plain-pairings?page=N: the same 50 pairings and their allocation lines as the API
   page, written as a plain Django view (ids of the page, then `.values()` rows, one
   JsonResponse; no auth, no schema); and as a third, /bench-token-check: the baseline plus the
   API's token authentication (`tokens.authenticate`), the least any endpoint pays that checks
   its caller against the database on every request. The app's urls.py is untouched;
4. log in through POST /accounts/login/ (CSRF cookie, django-axes active);
5. per page, one client at a time over loopback: warm-up requests, then --requests timed ones;
   reports the first request's server time (the dashboard's computes the overview into the
   empty cache: gunicorn gets its own PAIRAID_CACHE_DIR, shared by both workers), median and
   p95 of the server time (X-Bench-Ms), median, p95 and p99 of the client round trip, and the
   queries per request. The paginated pages (dashboard: 100 pairs and 50 recipients a page;
   participants list: 100 a page) are measured on their first and on their last page; the
   dashboard's map data (/p/<slug>/map.json, fetched by the page) on its own. The API's pages
   are cached (rendered bodies under the data's version): their first requests, one per page
   into the empty cache, are reported apart from the warm ones;
6. closed loop: --clients threads (default 50), each with its own token or session and
   connection, request, wait --think seconds (default 1), request again; they start spread over
   one think time. Per endpoint in turn — the pairings API (`?page=N`, N cycling over all
   pages, warm) for --load-warmup + --load-seconds, then as context the dashboard and the gaps
   API (`/api/v1/programmes/<slug>/gaps`, computed on every request) for --load-warmup +
   --context-seconds (0 skips them). Reports, for the requests begun after the warm-up:
   requests, errors (a status other than 200, or a failed connection), client round trip
   p50/p95/p99 and max, and the achieved request rate; with the 1-minute load before and after;
7. requests per second with `wrk` (2 threads, 8 connections, --seconds each; baseline, token
   check, API, plain-Django pairings, twice over) of /bench-minimal, /bench-token-check,
   /api/v1/programmes/<slug>/pairings?page=N (page size 50, N cycling over all pages, Bearer
   token; warm) and /bench-plain-pairings?page=N. With --no-cache the server runs without a
   cache, so that every API request computes its page;
8. stops gunicorn and drops the database (unless --keep-db).

Prints Markdown for docs/benchmarks-workspace.md.
"""

import os

if os.environ.get("DJANGO_SETTINGS_MODULE") == __name__:
    # Imported by gunicorn as the settings module (and then as ROOT_URLCONF): pairaid.settings
    # plus the timing middleware and the baseline view; nothing of the app is changed.
    from pairaid.settings import *  # noqa: F403

    ROOT_URLCONF = __name__
    MIDDLEWARE = [f"{__name__}.BenchTiming", *MIDDLEWARE]  # noqa: F405
    if os.environ.get("BENCH_NO_CACHE"):
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

import argparse
import http.client
import json
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from national_programme import (  # noqa: E402
    OPERATIONS_DATE,
    SLUG,
    generate_national,
    generate_operations,
)

USERNAME = "bench-coordinator"


# --- server side (inside gunicorn) --------------------------------------------------------------


class BenchTiming:
    """Outermost middleware: time spent in the middleware stack and the view, and the number of
    database queries (all middleware, the view and the session save included)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        from django.db import connection

        count = [0]

        def counter(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
            count[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Ms"] = f"{(time.perf_counter() - started) * 1000:.3f}"
        response["X-Bench-Queries"] = str(count[0])
        return response


def minimal(request: Any) -> Any:
    """The baseline: a plain Django view through the same middleware."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def token_check(request: Any) -> Any:
    """A third reference: the baseline plus the API's token authentication (one query)."""
    from django.http import HttpResponse

    from pairaid.accounts import tokens

    user = tokens.authenticate(request.headers.get("Authorization", "").removeprefix("Bearer "))
    return HttpResponse("ok", content_type="text/plain", status=200 if user else 401)


def plain_pairings(request: Any) -> Any:
    """A second reference: the API page's pairings written as a plain Django view."""
    from django.http import JsonResponse

    from pairaid.pairing.models import AllocationLine, Pairing

    page = int(request.GET.get("page", "1"))
    pairings = Pairing.objects.filter(programme__slug=SLUG).order_by("pk")
    ids = list(pairings.values_list("pk", flat=True)[(page - 1) * 50 : page * 50])
    rows = list(
        Pairing.objects.filter(pk__in=ids)
        .order_by("pk")
        .values(
            "id",
            "donor__region__country",
            "donor__region__code",
            "donor__region__name_en",
            "recipient__region__country",
            "recipient__region__code",
            "recipient__region__name_en",
            "status",
            "origin",
            "valid_from",
            "valid_to",
            "plan_run__number",
            "illustrative",
        )
    )
    lines: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for pairing_id, resource, quantity, date, certainty in (
        AllocationLine.objects.filter(pairing_id__in=ids)
        .order_by("pairing_id", "resource_type__code", "date")
        .values_list("pairing_id", "resource_type__code", "quantity", "date", "certainty")
    ):
        lines[pairing_id].append(
            {"resource_type": resource, "quantity": quantity, "date": date, "certainty": certainty}
        )
    items = [{**row, "allocations": lines[row["id"]]} for row in rows]
    return JsonResponse({"items": items, "count": pairings.count()})


def __getattr__(name: str) -> Any:
    """ROOT_URLCONF's urlpatterns, built on first use (the settings module cannot import views)."""
    if name == "urlpatterns":
        from django.urls import path

        from pairaid.urls import urlpatterns as app_patterns

        patterns = [
            path("bench-minimal", minimal),
            path("bench-token-check", token_check),
            path("bench-plain-pairings", plain_pairings),
            *app_patterns,
        ]
        globals()["urlpatterns"] = patterns
        return patterns
    raise AttributeError(name)


# --- client side (the benchmark script) ---------------------------------------------------------

SETUP = """
import django, json, sys
django.setup()
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.utils.module_loading import import_string
from pairaid.accounts import services, tokens
from pairaid.accounts.models import User
from pairaid.programmes.models import Programme
programme = Programme.objects.get(slug=sys.argv[1])
user = User.objects.create_user(sys.argv[2], "bench@example.org", sys.argv[3])
services.grant(user=user, programme=programme, role="coordinator")
clients = int(sys.argv[4])
# One token and one session per closed-loop client: each writes its own row (a token's last use,
# a session saved on every page), as separate callers would.
keys = [tokens.create(owner=user, name=f"benchmark {i}")[1] for i in range(max(1, clients))]
backend = next(
    path for path in settings.AUTHENTICATION_BACKENDS
    if issubclass(import_string(path), ModelBackend)
)
store = import_module(settings.SESSION_ENGINE).SessionStore
sessions = []
for _ in range(clients):
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
count = programme.pairings.count()
print(json.dumps({
    "keys": keys,
    "sessions": sessions,
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "pages": -(-count // 50),
    # The paginated pages' last page numbers: dashboard pairs (100 a page) and recipients (50),
    # and the participants list (100).
    "pairs_last": -(-count // 100),
    "recipients_last": -(-programme.participants.filter(role="recipient").count() // 50),
    "participants_last": -(-programme.participants.count() // 100),
}))
"""


def _run(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=True, env=env, text=True, **kwargs)


class Client:
    """One HTTP/1.1 connection to the server, with cookies (reopened when the server closes it:
    gunicorn's sync workers close after each response)."""

    def __init__(self, port: int, *, timeout: float = 600) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        body: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes, float]:
        sent = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        content = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response.status, dict(response.headers.items()), content, elapsed


def _login(client: Client, password: str) -> None:
    status, _, page, _ = client.request("GET", "/accounts/login/")
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or found is None:
        raise SystemExit(f"login page: HTTP {status}, no CSRF token")
    body = urlencode(
        {"csrfmiddlewaretoken": found.group(1).decode(), "username": USERNAME, "password": password}
    )
    status, headers, _, _ = client.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"login failed: HTTP {status} {headers.get('Location')}")


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def _load() -> float:
    """The 1-minute load average (other work on the machine shows here)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def _measure(
    client: Client, paths: list[str], *, count: int, warmup: int, headers: dict[str, str]
) -> dict[str, Any]:
    server, total, queries, sizes = [], [], [], []
    first = None
    load_before = _load()
    for i in range(warmup + count):
        path = paths[i % len(paths)]
        status, got, content, elapsed = client.request("GET", path, headers=headers)
        if status != 200:
            raise SystemExit(f"GET {path}: HTTP {status}\n{content[:500]!r}")
        if first is None:
            # The first request of a page, before warm-up: for the dashboard, the one that
            # computes the overview into the (empty) cache.
            first = float(got["X-Bench-Ms"])
        if i >= warmup:
            server.append(float(got["X-Bench-Ms"]))
            total.append(elapsed)
            queries.append(int(got["X-Bench-Queries"]))
            sizes.append(len(content))
    return {
        "n": count,
        "first_ms": first,
        "server_median": statistics.median(server),
        "server_p95": _percentile(server, 0.95),
        "client_median": statistics.median(total),
        "client_p95": _percentile(total, 0.95),
        "client_p99": _percentile(total, 0.99),
        "queries": sorted(set(queries)),
        "kib": statistics.median(sizes) / 1024,
        "load": (load_before, _load()),
    }


def _closed_loop(
    port: int,
    callers: list[tuple[list[str], dict[str, str], dict[str, str]]],
    *,
    think_s: float,
    warmup_s: float,
    seconds: float,
) -> dict[str, Any]:
    """One thread per caller (paths, headers, cookies): request, wait think_s, request again,
    until warmup_s + seconds have passed; the requests begun after the warm-up are reported."""
    load_before = _load()
    started = time.monotonic()
    measured_from = started + warmup_s
    stop_at = measured_from + seconds
    samples: list[list[tuple[int, float]]] = [[] for _ in callers]

    def caller(index: int) -> None:
        paths, headers, cookies = callers[index]
        # Spread over one think time, so that the clients do not all ask at the same instant.
        time.sleep(think_s * index / len(callers))
        client = Client(port, timeout=60)
        client.cookies.update(cookies)
        turn = index
        while (began := time.monotonic()) < stop_at:
            path = paths[turn % len(paths)]
            turn += 1
            try:
                status, _, _, elapsed = client.request("GET", path, headers=headers)
            except (OSError, http.client.HTTPException):
                status, elapsed = 0, (time.monotonic() - began) * 1000
                client = Client(port, timeout=60)
                client.cookies.update(cookies)
            if began >= measured_from:
                samples[index].append((status, elapsed))
            time.sleep(think_s)

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(len(callers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = [sample for per_caller in samples for sample in per_caller]
    latencies = [elapsed for status, elapsed in done if status == 200]
    return {
        "clients": len(callers),
        "seconds": seconds,
        "requests": len(done),
        "errors": sum(1 for status, _ in done if status != 200),
        "p50": _percentile(latencies, 0.50) if latencies else float("nan"),
        "p95": _percentile(latencies, 0.95) if latencies else float("nan"),
        "p99": _percentile(latencies, 0.99) if latencies else float("nan"),
        "max": max(latencies, default=float("nan")),
        "rate": len(done) / seconds,
        "load": (load_before, _load()),
    }


WRK_SCRIPT = """
local pages = %(pages)d
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "%(path)s" .. ((n %% pages) + 1))
end
"""


def _wrk(port: int, path: str, *, seconds: int, headers: dict[str, str], script: str | None):
    """wrk with 8 connections: (req/s, p50, p99); stops the benchmark on any error."""
    run = _wrk_run(port, path, seconds=seconds, headers=headers, script=script)
    if run["errors"]:
        raise SystemExit(f"wrk {path}: {run['errors']} errors\n{run['output']}")
    return run["rps"], run["p50"], run["p99"]


def _wrk_run(
    port: int,
    path: str,
    *,
    seconds: int,
    headers: dict[str, str],
    script: str | None,
    connections: int = 8,
) -> dict[str, Any]:
    """One wrk run: req/s, latency p50 and p99 (as wrk prints them), and the errors (non-2xx
    responses and socket errors: connect, read, write, timeout)."""
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    return {
        "rps": rps,
        "p50": p50.group(1) if p50 else "?",
        "p99": p99.group(1) if p99 else "?",
        "errors": errors,
        "output": output,
    }


def _wait(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            status, *_ = Client(port).request("GET", "/bench-minimal")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")


def _serve(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """gunicorn with 2 workers on this port, once it answers."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "pairaid.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--pythonpath",
            str(HERE),
            "--timeout",
            "600",
            "--error-logfile",
            str(log),
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    _wait(port, server, log)
    return server


def _stop(server: subprocess.Popen[bytes] | None) -> None:
    if server is not None and server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _served_commit() -> str:
    """The commit of the pairaid this interpreter imports (what gunicorn serves)."""
    import pairaid

    source = Path(pairaid.__file__).resolve().parent
    found = subprocess.run(
        ["git", "-C", str(source), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return found.stdout.strip() or f"unknown ({source})"


TEMPLATE_HELP = (
    "a database to copy the loaded bundle from instead of loading it (the bundle's loading takes "
    "minutes); made by this run, after loading, if it does not exist. Drop it when the bundle or "
    "the loader changes"
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--regions", type=int, default=3100)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--pairings", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--clients", type=int, default=50, help="closed loop: concurrent clients")
    parser.add_argument("--think", type=float, default=1.0, help="closed loop: seconds between")
    parser.add_argument("--load-warmup", type=float, default=10, help="closed loop: unreported")
    parser.add_argument(
        "--load-seconds", type=float, default=60, help="closed loop on the pairings API (0: none)"
    )
    parser.add_argument(
        "--context-seconds",
        type=float,
        default=30,
        help="closed loop on the dashboard and the gaps API, each (0: none)",
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per run (0: none)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="pairaid_bench")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--template", help=TEMPLATE_HELP)
    parser.add_argument(
        "--no-analyze", action="store_true", help="skip ANALYZE after loading (no statistics)"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="serve without a cache (every request computes)"
    )
    return parser.parse_args()


def _prepare(
    args: argparse.Namespace,
    env: dict[str, str],
    root: Path,
    password: str,
    *,
    operations: bool = False,
) -> tuple[dict[str, int], dict[str, Any]]:
    """The bundle generated and loaded into a new database, and the benchmark's caller; with
    `operations`, the overlay of synthetic operations loaded after it (the programme date set to
    its date)."""
    counts = generate_national(
        root / "bundle",
        regions=args.regions,
        indicators=args.indicators,
        pairings=args.pairings,
        programme_date=OPERATIONS_DATE if operations else None,
    )
    if operations:
        counts.update(generate_operations(root / "bundle", root / "operations"))
    print(f"bundle: {counts}", flush=True)
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    _run(["dropdb", *pg, "--if-exists", args.database], env)
    template = getattr(args, "template", None)
    if template and _database_exists(template, env):
        # The same bundle, loaded by an earlier run: copied, then migrated by this tree.
        _run(["createdb", *pg, "-T", template, args.database], env)
        _run([sys.executable, "-m", "pairaid", "migrate", "-v0"], env)
        print(f"copied from {template}", flush=True)
    else:
        _run(["createdb", *pg, args.database], env)
        _run([sys.executable, "-m", "pairaid", "migrate", "-v0"], env)
        started = time.perf_counter()
        for bundle in ["bundle", "operations"] if operations else ["bundle"]:
            _run(
                [sys.executable, "-m", "pairaid", "scenario", "load", str(root / bundle)],
                env,
                stdout=subprocess.DEVNULL,
            )
        print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)
        if template:
            _run(["createdb", *pg, "-T", args.database, template], env)
    if not args.no_analyze:
        # Planner statistics, as autovacuum would gather them on a production server (the
        # benchmark machine may run with autovacuum off).
        _run(["psql", *pg, "-q", "-d", args.database, "-c", "ANALYZE"], env)
    setup = _run(
        [sys.executable, "-c", SETUP, SLUG, USERNAME, password, str(args.clients)],
        env,
        capture_output=True,
    )
    return counts, json.loads(setup.stdout.strip().splitlines()[-1])


def _database_exists(name: str, env: dict[str, str]) -> bool:
    found = _run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],
        env,
        capture_output=True,
    )
    return found.stdout.strip() == "1"


def _sequential(
    args: argparse.Namespace, client: Client, caller: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Each page in turn, one client (the dashboard's pages with the logged-in session)."""
    pages = caller["pages"]
    bearer = {"Authorization": f"Bearer {caller['keys'][0]}"}
    api = f"/api/v1/programmes/{SLUG}/pairings?page="
    county, province = "110101", "110000"
    last = f"?pairs={caller['pairs_last']}&recipients={caller['recipients_last']}"
    cases = [
        ("baseline: /bench-minimal (no session)", ["/bench-minimal"], "none"),
        (
            f"reference: /bench-plain-pairings ?page=1…{pages} (no session)",
            [f"/bench-plain-pairings?page={n}" for n in range(1, pages + 1)],
            "none",
        ),
        ("dashboard /p/<slug>/", [f"/p/{SLUG}/"], "session"),
        (f"dashboard, last pages /p/<slug>/{last}", [f"/p/{SLUG}/{last}"], "session"),
        ("dashboard map data /p/<slug>/map.json", [f"/p/{SLUG}/map.json"], "session"),
        ("participants /p/<slug>/participants/", [f"/p/{SLUG}/participants/"], "session"),
        (
            f"participants, last page ?page={caller['participants_last']}",
            [f"/p/{SLUG}/participants/?page={caller['participants_last']}"],
            "session",
        ),
        ("plan workspace /p/<slug>/plan/", [f"/p/{SLUG}/plan/"], "session"),
        (f"region (county) /regions/CN:{county}/", [f"/regions/CN:{county}/"], "session"),
        (f"region (province) /regions/CN:{province}/", [f"/regions/CN:{province}/"], "session"),
        ("reference: /bench-token-check (token, no session)", ["/bench-token-check"], "token"),
        ("API gaps /api/v1/programmes/<slug>/gaps", [f"/api/v1/programmes/{SLUG}/gaps"], "token"),
        (
            # Each page's first request, into the empty cache: the page is computed.
            f"API pairings ?page=1…{pages}, first request of each page (cold)",
            [f"{api}{n}" for n in range(1, pages + 1)],
            "token cold",
        ),
        (
            f"API pairings ?page=1…{pages} (50 per page), warm",
            [f"{api}{n}" for n in range(1, pages + 1)],
            "token",
        ),
    ]
    results = {}
    for name, paths, auth in cases:
        count, warmup = args.requests, args.warmup
        if auth == "session":
            runner, headers = client, {}
        else:  # a fresh connection without the session cookie
            runner, headers = Client(args.port), (bearer if "token" in auth else {})
        if auth == "token cold":
            count, warmup = len(paths), 0
        results[name] = _measure(runner, paths, count=count, warmup=warmup, headers=headers)
        print(name, json.dumps(results[name]), flush=True)
    return results


def _closed_loops(args: argparse.Namespace, caller: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The pairings API, then the dashboard and the gaps API, each under --clients callers."""
    pages = [f"/api/v1/programmes/{SLUG}/pairings?page={n}" for n in range(1, caller["pages"] + 1)]
    tokens = [{"Authorization": f"Bearer {key}"} for key in caller["keys"]]
    sessions = [{caller["session_cookie"]: key} for key in caller["sessions"]]
    endpoints = [
        ("API pairings ?page=1…N, warm", args.load_seconds, [(pages, t, {}) for t in tokens]),
        (
            "dashboard /p/<slug>/",
            args.context_seconds,
            [([f"/p/{SLUG}/"], {}, s) for s in sessions],
        ),
        (
            "API gaps (computed on every request)",
            args.context_seconds,
            [([f"/api/v1/programmes/{SLUG}/gaps"], t, {}) for t in tokens],
        ),
    ]
    results = {}
    for name, seconds, callers in endpoints:
        if seconds <= 0:
            continue
        results[name] = _closed_loop(
            args.port, callers, think_s=args.think, warmup_s=args.load_warmup, seconds=seconds
        )
        print("closed loop", name, json.dumps(results[name]), flush=True)
    return results


def _wrk_rounds(args: argparse.Namespace, root: Path, caller: dict[str, Any]) -> list[Any]:
    """Throughput, twice over: baseline, token check, API pages, plain-Django pages."""
    bearer = {"Authorization": f"Bearer {caller['keys'][0]}"}
    api = f"/api/v1/programmes/{SLUG}/pairings?page="
    script = root / "pages.lua"
    script.write_text(WRK_SCRIPT % {"pages": caller["pages"], "path": api})
    plain = root / "plain.lua"
    plain.write_text(WRK_SCRIPT % {"pages": caller["pages"], "path": "/bench-plain-pairings?page="})
    runs = []
    for _ in range(2):
        load_before = _load()
        base = _wrk(args.port, "/bench-minimal", seconds=args.seconds, headers={}, script=None)
        checked = _wrk(
            args.port, "/bench-token-check", seconds=args.seconds, headers=bearer, script=None
        )
        ours = _wrk(args.port, api, seconds=args.seconds, headers=bearer, script=str(script))
        reference = _wrk(
            args.port,
            "/bench-plain-pairings?page=1",
            seconds=args.seconds,
            headers={},
            script=str(plain),
        )
        runs.append((base, ours, reference, checked, (load_before, _load())))
        print("wrk", runs[-1], flush=True)
    return runs


def _environment(args: argparse.Namespace) -> dict[str, str]:
    """The environment of the commands run on the benchmark's database (production settings,
    plain HTTP on loopback)."""
    return dict(
        os.environ,
        DATABASE_URL=f"{args.pg_url}/{args.database}",
        DJANGO_SETTINGS_MODULE="pairaid.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        LOG_LEVEL="WARNING",
    )


def _server_environment(env: dict[str, str], root: Path, no_cache: bool) -> dict[str, str]:
    """gunicorn's: this module as the settings module, and an empty cache (file-based: shared by
    both workers), so that the first requests compute and the record shows what that costs."""
    server_env = dict(
        env, DJANGO_SETTINGS_MODULE="web_pages", PAIRAID_CACHE_DIR=str(root / "cache")
    )
    if no_cache:
        server_env["BENCH_NO_CACHE"] = "1"
    return server_env


def main() -> None:
    args = _arguments()
    password = secrets.token_urlsafe(18)
    env = _environment(args)
    served = _served_commit()
    print(f"serving pairaid {served} ({sys.executable}), load {_load()}", flush=True)
    results: dict[str, Any] = {
        "commit": served,
        "started": time.strftime("%H:%M UTC", time.gmtime()),
    }
    server = None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        try:
            counts, caller = _prepare(args, env, root, password)
            log = root / "gunicorn.log"
            server = _serve(args.port, _server_environment(env, root, args.no_cache), log)
            client = Client(args.port)
            _login(client, password)
            results["pages"] = _sequential(args, client, caller)
            results["closed"] = _closed_loops(args, caller)
            if args.seconds > 0 and shutil.which("wrk"):
                results["wrk"] = _wrk_rounds(args, root, caller)
            elif args.seconds > 0:
                print("wrk not installed: throughput skipped (apt-get install -y wrk)")
        finally:
            _stop(server)
            if not args.keep_db:
                pg = ["-h", "127.0.0.1", "-U", "postgres"]
                subprocess.run(["dropdb", *pg, "--if-exists", args.database], env=env)
    results["ended"] = time.strftime("%H:%M UTC", time.gmtime())
    _report(counts, results, args)


def _report(counts: dict[str, int], results: dict[str, Any], args: argparse.Namespace) -> None:
    print()
    print(
        f"Commit {results['commit']}, {results['started']}–{results['ended']}. Programme: "
        f"{counts['regions']:,} regions, {counts['indicators']:,} indicator values, "
        f"{counts['participants']:,} participants, {counts['pairings']:,} pairings"
    )
    _report_pages(results["pages"])
    _report_closed(results["closed"], args)
    if "wrk" in results:
        _report_wrk(results["wrk"])


def _report_pages(pages: dict[str, dict[str, Any]]) -> None:
    print()
    print(
        "| page, 1 client | requests | first request | server median | server p95 "
        "| round trip p50 | round trip p95 | round trip p99 | queries / request | size | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in pages.items():
        queries = "/".join(str(q) for q in r["queries"])
        print(
            f"| {name} | {r['n']} | {r['first_ms']:.1f} ms "
            f"| {r['server_median']:.1f} ms | {r['server_p95']:.1f} ms "
            f"| {r['client_median']:.1f} ms | {r['client_p95']:.1f} ms "
            f"| {r['client_p99']:.1f} ms | {queries} | {r['kib']:.0f} KiB "
            f"| {r['load'][0]:.2f} → {r['load'][1]:.2f} |"
        )


def _report_closed(closed: dict[str, dict[str, Any]], args: argparse.Namespace) -> None:
    if not closed:
        return
    print()
    print(
        f"Closed loop: {args.clients} clients, {args.think:g} s think time, "
        f"{args.load_warmup:g} s warm-up unreported."
    )
    print()
    print(
        "| endpoint | seconds | requests | errors | req/s | round trip p50 | p95 | p99 | max "
        "| load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in closed.items():
        print(
            f"| {name} | {r['seconds']:g} | {r['requests']} | {r['errors']} | {r['rate']:.1f} "
            f"| {r['p50']:.1f} ms | {r['p95']:.1f} ms | {r['p99']:.1f} ms | {r['max']:.1f} ms "
            f"| {r['load'][0]:.2f} → {r['load'][1]:.2f} |"
        )


def _report_wrk(runs: list[Any]) -> None:
    print()
    print(
        "| round | baseline /bench-minimal req/s (p50, p99) | token check req/s (p50, p99) "
        "| API pairings req/s (p50, p99) | API / baseline | token check / baseline "
        "| plain-Django pairings req/s (p50, p99) | API / plain-Django | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for i, (base, ours, reference, checked, load) in enumerate(runs, 1):
        print(
            f"| {i} | {base[0]:.0f} ({base[1]}, {base[2]}) "
            f"| {checked[0]:.0f} ({checked[1]}, {checked[2]}) "
            f"| {ours[0]:.0f} ({ours[1]}, {ours[2]}) | {ours[0] / base[0]:.3f} "
            f"| {checked[0] / base[0]:.3f} | {reference[0]:.0f} ({reference[1]}, "
            f"{reference[2]}) | {ours[0] / reference[0]:.2f} | {load[0]:.2f} → {load[1]:.2f} |"
        )


if __name__ == "__main__":
    main()
