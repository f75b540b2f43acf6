#!/usr/bin/env python3
"""HTTP client of the programme benchmark (bench/programme/run). Python 3 standard library only.

Measures a running `gevinst serve --demo` with repeated requests on one kept-alive connection
per scenario, after a warm-up, and prints the median and p95 response time in ms of:

  (a) GET /api/v1/programmes/{id}/overview
  (b) GET /api/v1/programmes/{id}/forecast?iterations=N&seed=S, a new seed each time (uncached)
  (c) the same forecast with one fixed seed (cached after the first call)
  (d) GET /programmer/{id}, the HTML overview page, logged in through the login form
  (e) GET /, the front page, for each demo role (admin, porteføljeleder, digital agent,
      leder, læser), before the front page's forecast is cached (the page must not run it)
  (f) GET / as the porteføljeleder once the forecast is cached (after one call of the
      page's fragment GET /forside/prognose/{id}, which computes it)
  (g) the list of all potentials, GET /potentialer?per_page=P&page=1..k (every page, summed
      per round), plain and with a query asking for the money columns (--money-query)

The response time is from sending the request to having read the whole body. A scenario whose
route answers 404 is reported as NOT AVAILABLE instead of being timed. The last line is a
JSON summary (`summary=` prefix).

usage: client.py --base http://127.0.0.1:PORT --token TOKEN [--iterations 10000] [--n-overview 50]
       [--n-uncached 20] [--n-cached 50] [--n-page 50] [--n-front 50] [--n-list 20]
       [--list-per-page 200] [--money-query QUERY] [--warmup 3]
"""

import argparse
import http.client
import json
import re
import statistics
import sys
import time
import urllib.parse

PROGRAMME_NAME = "Digitalisering og effektivisering 2024–2027"
TENANT = "eksempel"
EMAIL = "portefoljeleder@eksempel.dk"
PASSWORD = "demo-gevinst-2024"
# The demo users, one per role (README, "Two commands").
ROLES = [
    ("admin", "admin@eksempel.dk"),
    ("porteføljeleder", "portefoljeleder@eksempel.dk"),
    ("digital agent", "digitalagent@eksempel.dk"),
    ("leder", "leder@eksempel.dk"),
    ("læser", "laeser@eksempel.dk"),
]
# Money columns of the list (issue 11, §2), asked for by query; a list that does not know
# the parameter ignores it, so the scenario then measures the plain list.
MONEY_QUERY = "cols=npv,full_effect,hjemtagbar,fte,payback,investment,owner,agent"


class Connection:
    """One kept-alive HTTP/1.1 connection with a tiny cookie jar."""

    def __init__(self, base, headers=None):
        url = urllib.parse.urlsplit(base)
        self.host = url.hostname
        self.port = url.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)
        self.headers = dict(headers or {})
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        """Returns (status, response headers, body bytes, seconds)."""
        h = dict(self.headers)
        h.update(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        self.conn.request(method, path, body=body, headers=h)
        res = self.conn.getresponse()
        data = res.read()
        elapsed = time.perf_counter() - start
        for value in res.headers.get_all("Set-Cookie") or []:
            pair = value.split(";", 1)[0]
            if "=" in pair:
                k, v = pair.split("=", 1)
                if v == "" or "Max-Age=0" in value:
                    self.cookies.pop(k.strip(), None)
                else:
                    self.cookies[k.strip()] = v.strip()
        return res.status, res.headers, data, elapsed

    def close(self):
        self.conn.close()


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return ordered[int(rank) - 1]


def measure(name, conn, paths, warmup, warmup_path=None):
    """Times GET requests to `paths` (a list, one request each) after `warmup` requests to
    `warmup_path` (default: the first path). Returns a result dict; a 404 makes the
    scenario unavailable."""
    warmup_path = warmup_path or paths[0]
    status, _, body, _ = conn.request("GET", warmup_path)
    if status == 404:
        return {"name": name, "available": False, "status": 404}
    for _ in range(max(0, warmup - 1)):
        conn.request("GET", warmup_path)
    times = []
    for path in paths:
        status, _, body, elapsed = conn.request("GET", path)
        if status != 200:
            return unavailable(name, status, body)
        times.append(elapsed * 1000)
    return summary_of(name, times, len(body))


def unavailable(name, status, body):
    """The result dict of a scenario whose request answered `status` (not 200)."""
    return {
        "name": name,
        "available": False,
        "status": status,
        "body": body[:300].decode("utf-8", "replace"),
    }


def summary_of(name, times, size):
    """The result dict of an available scenario: `times` in ms, `size` of its last body."""
    return {
        "name": name,
        "available": True,
        "n": len(times),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "bytes": size,
    }


def find_programme(api):
    status, _, body, _ = api.request("GET", "/api/v1/programmes")
    if status != 200:
        sys.exit(f"GET /api/v1/programmes answered {status}: the programme API is not available")
    data = json.loads(body)
    items = data if isinstance(data, list) else data.get("items", [])
    for item in items:
        inner = item.get("programme", item)
        if inner.get("name") == PROGRAMME_NAME:
            return item.get("id"), inner
    sys.exit(f"the demo programme {PROGRAMME_NAME!r} is missing")


def login(base, email=EMAIL):
    """A page connection with a session cookie, logged in as `email` through the login
    form."""
    page = Connection(base)
    status, _, body, _ = page.request("GET", "/login")
    match = re.search(rb'name="_csrf" value="([^"]+)"', body)
    if status != 200 or not match:
        sys.exit(f"GET /login answered {status} without a CSRF field")
    form = urllib.parse.urlencode(
        {
            "_csrf": match.group(1).decode(),
            "tenant": TENANT,
            "email": email,
            "password": PASSWORD,
            "next": "/",
        }
    )
    status, _, _, _ = page.request(
        "POST",
        "/login",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 303:
        sys.exit(f"POST /login answered {status}, expected 303")
    return page


def measure_rounds(name, conn, paths, rounds, warmup):
    """Times `rounds` rounds of GET requests to every path in `paths` (e.g. every page of
    the list); a round's time is the sum. Returns a result dict like `measure`."""
    for _ in range(max(1, warmup)):
        for path in paths:
            status, _, body, _ = conn.request("GET", path)
            if status != 200:
                return unavailable(name, status, body)
    times, size = [], 0
    for _ in range(rounds):
        total, size = 0.0, 0
        for path in paths:
            status, _, body, elapsed = conn.request("GET", path)
            if status != 200:
                return {"name": name, "available": False, "status": status}
            total += elapsed
            size += len(body)
        times.append(total * 1000)
    return summary_of(name, times, size)


def front_and_list(api, args, pid, total):
    """Scenarios (e)-(g): the front page per role, cached and not, and the whole list."""
    results = []
    pages = {}
    for role, email in ROLES:
        pages[role] = login(args.base, email)
        results.append(
            measure(
                f"(e) front page, {role}",
                pages[role],
                ["/"] * args.n_front,
                args.warmup,
            )
        )
    pl = pages["porteføljeleder"]
    status, _, body, _ = pl.request("GET", f"/forside/prognose/{pid}")
    if status == 200:
        results.append(
            measure(
                "(f) front page, porteføljeleder, forecast cached",
                pl,
                ["/"] * args.n_front,
                args.warmup,
            )
        )
    else:
        results.append({"name": "(f) front page, forecast cached", "available": False,
                        "status": status})
    per_page = args.list_per_page
    count = max(1, -(-total // per_page))
    plain = [f"/potentialer?per_page={per_page}&page={i}" for i in range(1, count + 1)]
    money = [f"{p}&{args.money_query}" for p in plain]
    results.append(
        measure_rounds(f"(g) list, all {total} in {count} pages", pl, plain, args.n_list,
                       args.warmup)
    )
    results.append(
        measure_rounds(f"(g) list + money columns, all {total}", pl, money, args.n_list,
                       args.warmup)
    )
    if results[-1].get("bytes") == results[-2].get("bytes"):
        print("WARNING: the list with the money query answered exactly as the plain list; "
              "check --money-query against the list's column keys", file=sys.stderr)
    for conn in pages.values():
        conn.close()
    return results


ALL_NAME = "Benchmark: alle potentialer 2024–2027"


def create_all_programme(api, demo):
    """Creates a programme with the demo programme's period and targets that includes every
    potential of the tenant; returns (id, number of potentials)."""
    ids, page = [], 1
    while True:
        status, _, body, _ = api.request("GET", f"/api/v1/potentials?per_page=200&page={page}")
        if status != 200:
            sys.exit(f"GET /api/v1/potentials answered {status}")
        data = json.loads(body)
        ids += [p["id"] for p in data["items"]]
        if not data["items"] or len(ids) >= data["total"]:
            break
        page += 1
    draft = {
        "name": ALL_NAME,
        "first_year": demo["first_year"],
        "last_year": demo["last_year"],
        "targets": [
            {k: t[k] for k in ("kind", "amount", "deadline_year", "milestones")}
            for t in demo["targets"]
        ],
        "potentials": ids,
    }
    status, _, body, _ = api.request(
        "POST",
        "/api/v1/programmes",
        body=json.dumps(draft),
        headers={"Content-Type": "application/json"},
    )
    if status != 201:
        sys.exit(f"POST /api/v1/programmes answered {status}: {body[:300]!r}")
    return json.loads(body)["id"], len(ids)


def potential_total(api):
    """How many potentials the tenant has."""
    status, _, body, _ = api.request("GET", "/api/v1/potentials?per_page=1")
    if status != 200:
        sys.exit(f"GET /api/v1/potentials answered {status}")
    return json.loads(body)["total"]


def run_scenarios(api, args, pid, suffix):
    """Scenarios (a)-(d) on programme `pid`."""
    results = []
    results.append(
        measure(
            "(a) overview API" + suffix,
            api,
            [f"/api/v1/programmes/{pid}/overview"] * args.n_overview,
            args.warmup,
        )
    )
    forecast = f"/api/v1/programmes/{pid}/forecast?iterations={args.iterations}"
    # Uncached: a seed never used before for every request (the warm-up uses its own).
    results.append(
        measure(
            "(b) forecast API, uncached (new seed each time)" + suffix,
            api,
            [f"{forecast}&seed={100000 + i}" for i in range(args.n_uncached)],
            1,
            f"{forecast}&seed=99999",
        )
    )
    # Cached: the warm-up computes the forecast once, then every request hits the cache.
    results.append(
        measure(
            "(c) forecast API, cached (same seed)" + suffix,
            api,
            [f"{forecast}&seed=42"] * args.n_cached,
            args.warmup,
        )
    )

    page = login(args.base)
    results.append(
        measure(
            "(d) overview page (HTML, logged in)" + suffix,
            page,
            [f"/programmer/{pid}"] * args.n_page,
            args.warmup,
        )
    )
    page.close()

    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--iterations", type=int, default=10000)
    ap.add_argument("--n-overview", type=int, default=50)
    ap.add_argument("--n-uncached", type=int, default=20)
    ap.add_argument("--n-cached", type=int, default=50)
    ap.add_argument("--n-page", type=int, default=50)
    ap.add_argument("--n-front", type=int, default=50)
    ap.add_argument("--n-list", type=int, default=20)
    ap.add_argument("--list-per-page", type=int, default=200)
    ap.add_argument("--money-query", default=MONEY_QUERY)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()

    api = Connection(args.base, {"Authorization": f"Bearer {args.token}"})
    pid, programme = find_programme(api)
    potentials = len(programme.get("potentials", []))
    years = programme.get("last_year", 0) - programme.get("first_year", 0) + 1
    print(
        f"data: programme {pid} {PROGRAMME_NAME!r}: {potentials} potentials x {years} years "
        f"= {potentials * years} potential-years; forecast {args.iterations} iterations"
    )

    results = run_scenarios(api, args, pid, "")
    # The front page and the list, before the second programme exists (the demo as it is).
    results += front_and_list(api, args, pid, potential_total(api))
    # The same on a programme of every potential (331 × 4 years), as the issue asks.
    all_pid, all_count = create_all_programme(api, programme)
    print(
        f"data: programme {all_pid} {ALL_NAME!r}: {all_count} potentials x {years} years "
        f"= {all_count * years} potential-years"
    )
    results += run_scenarios(api, args, all_pid, " [all 331]")
    api.close()

    print(f"{'scenario':<50} {'n':>4} {'median ms':>10} {'p95 ms':>10} {'max ms':>10} {'bytes':>9}")
    for r in results:
        if r["available"]:
            print(
                f"{r['name']:<50} {r['n']:>4} {r['median_ms']:>10.2f} {r['p95_ms']:>10.2f} "
                f"{r['max_ms']:>10.2f} {r['bytes']:>9}"
            )
        else:
            extra = f": {r['body']}" if r.get("body") else ""
            print(f"{r['name']:<50} NOT AVAILABLE (HTTP {r['status']}){extra}")
    by = {r["name"][:3]: r for r in results if not r["name"].endswith("]")}
    if all(by[k]["available"] for k in ("(a)", "(b)", "(d)")):
        # The page builds the overview (a) plus HTML; computing the forecast as well would
        # add about an uncached forecast (b) minus its own data loading to every load.
        a, b, d = (by[k]["median_ms"] for k in ("(a)", "(b)", "(d)"))
        computes = d >= a + 0.5 * max(b - a, 0)
        print(
            f"page median {d:.1f} ms vs overview API {a:.1f} ms and uncached forecast {b:.1f} ms: "
            + ("CHECK: the page seems to compute the forecast on every load" if computes else
               "the page does not compute the forecast on every load")
        )
        for r in results:
            if r["name"].startswith("(e)") and r["available"]:
                slow = r["median_ms"] >= a + 0.5 * max(b - a, 0)
                print(f"{r['name']}: median {r['median_ms']:.1f} ms: "
                      + ("CHECK: it seems to compute the forecast" if slow else
                         "does not compute the forecast"))
    summary = {
        "programme_id": pid,
        "potentials": potentials,
        "years": years,
        "iterations": args.iterations,
        "results": results,
    }
    print("summary=" + json.dumps(summary, ensure_ascii=False))
    missing = [r["name"] for r in results if not r["available"]]
    if missing:
        print("NOT AVAILABLE: " + "; ".join(missing), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
