"""Benchmark: pages and the pairings API of a national-scale programme, served by gunicorn
(2 workers) on PostgreSQL, against a minimal Django view on the same server in the same run.

    .venv/bin/python benchmarks/web_pages.py [--requests 100] [--seconds 10] [--port 8765]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth; override with --pg-url) and `wrk`
for the throughput part (`apt-get install -y wrk`; skipped with a note if absent). Not part of
CI. Steps:

1. generate the national bundle (benchmarks/national_programme.py: about 3,100 regions,
   3,000 pairings, 30 dated indicators per region), create database `pairaid_bench` (dropped
   first if it exists), migrate, `pairaid scenario load` it, ANALYZE it (planner statistics, as
   autovacuum would gather them; skip with --no-analyze);
2. create a coordinator of the programme (password and API token);
3. start `gunicorn pairaid.wsgi:application -w 2` with DEBUG=0 and this module as the settings
   module, which adds only this to pairaid.settings: a first middleware that reports, per
   request, the time spent inside Django's middleware stack and the number of database queries
   (response headers X-Bench-Ms, X-Bench-Queries); the path /bench-minimal answered by a plain
   HttpResponse through the same middleware (the baseline the issue asks for); as a second
   reference, /bench-plain-pairings?page=N: the same 50 pairings and their allocation lines as
   the API page, written as a plain Django view (ids of the page, then `.values()` rows, one
   JsonResponse; no auth, no schema); and as a third, /bench-token-check: the baseline plus the
   API's token authentication (`tokens.authenticate`, one indexed query), the least any
   endpoint pays that checks its caller against the database on every request. The app's
   urls.py is untouched;
4. log in through POST /accounts/login/ (CSRF cookie, django-axes active);
5. per page, one client at a time over loopback: warm-up requests, then --requests timed ones;
   reports the first request's server time (the dashboard's computes the overview into the
   empty cache: gunicorn gets its own PAIRAID_CACHE_DIR, shared by both workers), median and
   p95 of the server time (X-Bench-Ms) and of the client round trip, and the queries per
   request. The paginated pages (dashboard: 100 pairs and 50 recipients a page; participants
   list: 100 a page) are measured on their first and on their last page; the dashboard's map
   data (/p/<slug>/map.json, fetched by the page) on its own. The API's pages are cached
   (rendered bodies under the data's version): their first requests, one per page into the
   empty cache, are reported apart from the warm ones;
6. requests per second with `wrk` (2 threads, 8 connections, --seconds each; baseline, token
   check, API, plain-Django pairings, twice over) of /bench-minimal, /bench-token-check,
   /api/v1/programmes/<slug>/pairings?page=N (page size 50, N cycling over all pages, Bearer
   token; warm: every page is cached by then) and /bench-plain-pairings?page=N. With --no-cache
   the server runs without a cache, so that every API request computes its page. With
   --compare-remembering a second server (--port + 1) runs with PAIRAID_REMEMBER_DECISIONS=0
   (every token and membership decision read from the database, as before pairaid.change_feed)
   and each round measures the API there too;
7. stops gunicorn and drops the database (unless --keep-db).

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
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from national_programme import SLUG, generate_national  # noqa: E402

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
import django, sys
django.setup()
from pairaid.accounts import services, tokens
from pairaid.accounts.models import User
from pairaid.programmes.models import Programme
programme = Programme.objects.get(slug=sys.argv[1])
user = User.objects.create_user(sys.argv[2], "bench@example.org", sys.argv[3])
services.grant(user=user, programme=programme, role="coordinator")
_, key = tokens.create(owner=user, name="benchmark")
pages = -(-programme.pairings.count() // 50)
# The paginated pages' last page numbers: dashboard pairs (100 a page) and recipients (50), and
# the participants list (100).
pairs_pages = -(-programme.pairings.count() // 100)
recipient_pages = -(-programme.participants.filter(role="recipient").count() // 50)
participant_pages = -(-programme.participants.count() // 100)
print(key, pages, pairs_pages, recipient_pages, participant_pages)
"""


def _run(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=True, env=env, text=True, **kwargs)


class Client:
    """One keep-alive HTTP/1.1 connection to the server, with cookies."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
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


def _measure(
    client: Client, paths: list[str], *, count: int, warmup: int, headers: dict[str, str]
) -> dict[str, Any]:
    server, total, queries, sizes = [], [], [], []
    first = None
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
        "queries": sorted(set(queries)),
        "kib": statistics.median(sizes) / 1024,
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
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"wrk {path}: {errors.group(1)} non-2xx responses\n{output}")
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    return rps, p50.group(1) if p50 else "?", p99.group(1) if p99 else "?"


def _load() -> str:
    """The 1-minute load average (other work on the machine shows here)."""
    return "load " + Path("/proc/loadavg").read_text().split()[0]


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--regions", type=int, default=3100)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--pairings", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per run")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="pairaid_bench")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--no-analyze", action="store_true", help="skip ANALYZE after loading (no statistics)"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="serve without a cache (every request computes)"
    )
    parser.add_argument(
        "--compare-remembering",
        action="store_true",
        help="also serve on --port + 1 with PAIRAID_REMEMBER_DECISIONS=0 and measure the API's "
        "throughput there in each wrk round",
    )
    args = parser.parse_args()

    python = sys.executable
    password = secrets.token_urlsafe(18)
    database_url = f"{args.pg_url}/{args.database}"
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="pairaid.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        LOG_LEVEL="WARNING",
    )
    results: dict[str, Any] = {}
    server = unremembering = None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        try:
            counts = generate_national(
                root / "bundle",
                regions=args.regions,
                indicators=args.indicators,
                pairings=args.pairings,
            )
            print(f"bundle: {counts}", flush=True)
            _run(["dropdb", *pg, "--if-exists", args.database], env)
            _run(["createdb", *pg, args.database], env)
            _run([python, "-m", "pairaid", "migrate", "-v0"], env)
            started = time.perf_counter()
            _run(
                [python, "-m", "pairaid", "scenario", "load", str(root / "bundle")],
                env,
                stdout=subprocess.DEVNULL,
            )
            print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)
            if not args.no_analyze:
                # Planner statistics, as autovacuum would gather them on a production server
                # (the benchmark machine may run with autovacuum off).
                _run(["psql", *pg, "-q", "-d", args.database, "-c", "ANALYZE"], env)
            key, *pages = _run(
                [python, "-c", SETUP, SLUG, USERNAME, password], env, capture_output=True
            ).stdout.split()
            pages_count, pairs_last, recipients_last, participants_last = map(int, pages)

            log = root / "gunicorn.log"
            # An empty overview cache (file-based: shared by both workers), so the dashboard's
            # first request computes and the record shows what that costs.
            server_env = dict(
                env, DJANGO_SETTINGS_MODULE="web_pages", PAIRAID_CACHE_DIR=str(root / "cache")
            )
            if args.no_cache:
                server_env["BENCH_NO_CACHE"] = "1"
            server = _serve(args.port, server_env, log)
            if args.compare_remembering:
                # The same server but every decision read from the database (the API's fast
                # path before ninja stays): what remembering decisions adds, in the same run.
                unremembering = _serve(
                    args.port + 1,
                    dict(server_env, PAIRAID_REMEMBER_DECISIONS="0"),
                    root / "gunicorn-unremembering.log",
                )

            client = Client(args.port)
            _login(client, password)
            bearer = {"Authorization": f"Bearer {key}"}
            api = f"/api/v1/programmes/{SLUG}/pairings?page="
            county, province = "110101", "110000"
            cases = [
                ("baseline: /bench-minimal (no session)", ["/bench-minimal"], "none"),
                (
                    f"reference: /bench-plain-pairings ?page=1…{pages_count} (no session)",
                    [f"/bench-plain-pairings?page={n}" for n in range(1, pages_count + 1)],
                    "none",
                ),
                ("dashboard /p/<slug>/", [f"/p/{SLUG}/"], "session"),
                (
                    f"dashboard, last pages /p/<slug>/?pairs={pairs_last}"
                    f"&recipients={recipients_last}",
                    [f"/p/{SLUG}/?pairs={pairs_last}&recipients={recipients_last}"],
                    "session",
                ),
                ("dashboard map data /p/<slug>/map.json", [f"/p/{SLUG}/map.json"], "session"),
                ("participants /p/<slug>/participants/", [f"/p/{SLUG}/participants/"], "session"),
                (
                    f"participants, last page ?page={participants_last}",
                    [f"/p/{SLUG}/participants/?page={participants_last}"],
                    "session",
                ),
                ("plan workspace /p/<slug>/plan/", [f"/p/{SLUG}/plan/"], "session"),
                (f"region (county) /regions/CN:{county}/", [f"/regions/CN:{county}/"], "session"),
                (
                    f"region (province) /regions/CN:{province}/",
                    [f"/regions/CN:{province}/"],
                    "session",
                ),
                (
                    "reference: /bench-token-check (token, no session)",
                    ["/bench-token-check"],
                    "token",
                ),
                (
                    # Each page's first request, into the empty cache: the page is computed.
                    f"API pairings ?page=1…{pages_count}, first request of each page (cold)",
                    [f"{api}{n}" for n in range(1, pages_count + 1)],
                    "token cold",
                ),
                (
                    f"API pairings ?page=1…{pages_count} (50 per page)",
                    [f"{api}{n}" for n in range(1, pages_count + 1)],
                    "token",
                ),
            ]
            for name, paths, auth in cases:
                count, warmup = args.requests, args.warmup
                if auth == "session":
                    runner, headers = client, {}
                else:  # a fresh connection without the session cookie
                    runner, headers = Client(args.port), (bearer if "token" in auth else {})
                if auth == "token cold":
                    count, warmup = len(paths), 0
                results[name] = _measure(runner, paths, count=count, warmup=warmup, headers=headers)
                print(name, json.dumps(results[name]), _load(), flush=True)

            if shutil.which("wrk"):
                script = root / "pages.lua"
                script.write_text(WRK_SCRIPT % {"pages": pages_count, "path": api})
                plain = root / "plain.lua"
                plain.write_text(
                    WRK_SCRIPT % {"pages": pages_count, "path": "/bench-plain-pairings?page="}
                )
                runs = []
                for _ in range(2):
                    base = _wrk(
                        args.port, "/bench-minimal", seconds=args.seconds, headers={}, script=None
                    )
                    checked = _wrk(
                        args.port,
                        "/bench-token-check",
                        seconds=args.seconds,
                        headers=bearer,
                        script=None,
                    )
                    ours = _wrk(
                        args.port, api, seconds=args.seconds, headers=bearer, script=str(script)
                    )
                    reference = _wrk(
                        args.port,
                        "/bench-plain-pairings?page=1",
                        seconds=args.seconds,
                        headers={},
                        script=str(plain),
                    )
                    read = None
                    if unremembering is not None:
                        read = _wrk(
                            args.port + 1,
                            api,
                            seconds=args.seconds,
                            headers=bearer,
                            script=str(script),
                        )
                    runs.append((base, ours, reference, checked, read))
                    print("wrk", base, checked, ours, reference, read, _load(), flush=True)
                results["wrk"] = runs
            else:
                print("wrk not installed: throughput skipped (apt-get install -y wrk)")
        finally:
            _stop(server)
            _stop(unremembering)
            if not args.keep_db:
                subprocess.run(["dropdb", *pg, "--if-exists", args.database], env=env)
    _report(counts, results, args)


def _report(counts: dict[str, int], results: dict[str, Any], args: argparse.Namespace) -> None:
    print()
    print(
        f"Programme: {counts['regions']:,} regions, {counts['indicators']:,} indicator values, "
        f"{counts['participants']:,} participants, {counts['pairings']:,} pairings"
    )
    print()
    print(
        "| page | requests | first request | server median | server p95 | round trip median "
        "| round trip p95 | queries / request | size | p95 < 100 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        if name == "wrk":
            continue
        queries = "/".join(str(q) for q in r["queries"])
        met = "yes" if r["server_p95"] < 100 else "**no**"
        if name.startswith(("baseline", "reference")):
            met = "—"
        print(
            f"| {name} | {r['n']} | {r['first_ms']:.1f} ms "
            f"| {r['server_median']:.1f} ms | {r['server_p95']:.1f} ms "
            f"| {r['client_median']:.1f} ms | {r['client_p95']:.1f} ms | {queries} "
            f"| {r['kib']:.0f} KiB | {met} |"
        )
    if "wrk" in results:
        print()
        print(
            "| run | baseline /bench-minimal req/s (p50, p99) | token check req/s (p50, p99) "
            "| API pairings req/s (p50, p99) | API / baseline | token check / baseline "
            "| plain-Django pairings req/s (p50, p99) | API / plain-Django |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for i, (base, ours, reference, checked, read) in enumerate(results["wrk"], 1):
            print(
                f"| {i} | {base[0]:.0f} ({base[1]}, {base[2]}) "
                f"| {checked[0]:.0f} ({checked[1]}, {checked[2]}) "
                f"| {ours[0]:.0f} ({ours[1]}, {ours[2]}) | {ours[0] / base[0]:.3f} "
                f"| {checked[0] / base[0]:.3f} | {reference[0]:.0f} ({reference[1]}, "
                f"{reference[2]}) | {ours[0] / reference[0]:.2f} |"
            )
            if read is not None:
                print(
                    f"| {i}, decisions read (not remembered) | | | {read[0]:.0f} ({read[1]}, "
                    f"{read[2]}) | {read[0] / base[0]:.3f} | | | |"
                )


if __name__ == "__main__":
    main()
