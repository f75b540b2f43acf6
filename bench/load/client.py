#!/usr/bin/env python3
"""Load client of bench/load/run. Python 3 standard library only (one thread and one
kept-alive HTTP/1.1 connection per client).

Runs CLIENTS clients for SECONDS seconds against one or more base URLs (client i uses base
i mod n, so with two servers the clients alternate between them). Each client loops over a
read/write mix on the demo tenant's potentials through the JSON API:

  60 %  GET /api/v1/potentials?page=P&per_page=25     (a list page)
  25 %  GET /api/v1/potentials/{id}                   (one potential)
  15 %  GET then PUT /api/v1/potentials/{id}           (an edit with If-Match; only the
        PUT is counted as a write; the ids are drawn from HOT potentials, so that clients
        collide and some edits get 409)

Afterwards it reads every edited potential once more and counts lost updates: an edit
answered 2xx must have raised the version by exactly one, so for each potential
(final version - first version) must equal its number of 2xx edits, and its final title
must be the title of the 2xx edit with the highest version. Any shortfall is a lost update.

Prints one line of JSON (`result=` prefix): requests, seconds, throughput (req/s), p50
and p95 latency (ms, over all requests), counts of 2xx, 409, other 4xx, 5xx and errors
(connection failures), and lost updates.

usage: client.py --token TOKEN --base URL [--base URL2] [--clients 20] [--seconds 60]
       [--hot 10]
"""

import argparse
import http.client
import json
import random
import statistics
import sys
import threading
import time
import urllib.parse


class Connection:
    """One kept-alive connection; reconnects after an error."""

    def __init__(self, base, token):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port or 80
        self.token = token
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        """Returns (status, headers, body bytes, seconds); status 0 on a connection error."""
        h = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        h.update(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        start = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.request(method, path, body=data, headers=h)
            res = self.conn.getresponse()
            payload = res.read()
            return res.status, dict(res.getheaders()), payload, time.perf_counter() - start
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return 0, {}, b"", time.perf_counter() - start


EDITABLE = ("description", "unit_id", "fagomraade_id", "technology_id", "source",
            "benefit_owner", "digital_agent", "tags")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.codes = {"2xx": 0, "409": 0, "4xx": 0, "5xx": 0, "error": 0}
        # potential id -> list of (version after the edit, title) of 2xx edits
        self.acked = {}

    def add(self, status, seconds):
        if status == 0:
            key = "error"
        elif 200 <= status < 300:
            key = "2xx"
        elif status == 409:
            key = "409"
        elif status >= 500:
            key = "5xx"
        else:
            key = "4xx"
        with self.lock:
            self.latencies.append(seconds)
            self.codes[key] += 1

    def ack(self, pid, version, title):
        with self.lock:
            self.acked.setdefault(pid, []).append((version, title))


def client(n, base, token, ids, hot, deadline, stats):
    conn = Connection(base, token)
    rng = random.Random(n)
    pages = max(1, len(ids) // 25)
    edits = 0
    while time.monotonic() < deadline:
        r = rng.random()
        if r < 0.60:
            page = rng.randint(1, pages)
            status, _, _, s = conn.request("GET", f"/api/v1/potentials?page={page}&per_page=25")
            stats.add(status, s)
        elif r < 0.85:
            pid = rng.choice(ids)
            status, _, _, s = conn.request("GET", f"/api/v1/potentials/{pid}")
            stats.add(status, s)
        else:
            pid = rng.choice(hot)
            status, _, body, s = conn.request("GET", f"/api/v1/potentials/{pid}")
            stats.add(status, s)
            if status != 200:
                continue
            p = json.loads(body)
            edits += 1
            title = f"Belastning k{n} r{edits}"
            change = {k: p.get(k) for k in EDITABLE}
            change["title"] = title
            status, headers, body, s = conn.request(
                "PUT", f"/api/v1/potentials/{pid}", change,
                {"If-Match": f'"{p["version"]}"'})
            stats.add(status, s)
            if 200 <= status < 300:
                stats.ack(pid, json.loads(body)["version"], title)


def fetch(conn, path):
    status, _, body, _ = conn.request("GET", path)
    if status != 200:
        sys.exit(f"GET {path}: {status} {body[:200]!r}")
    return json.loads(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", action="append", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--hot", type=int, default=10)
    args = ap.parse_args()

    conn = Connection(args.base[0], args.token)
    ids, page = [], 1
    while True:
        listing = fetch(conn, f"/api/v1/potentials?page={page}&per_page=100")
        ids += [p["id"] for p in listing["items"]]
        if not listing["items"] or len(ids) >= listing["total"]:
            break
        page += 1
    if len(ids) < args.hot:
        sys.exit(f"need at least {args.hot} potentials, found {len(ids)}")
    hot = ids[: args.hot]
    first = {pid: fetch(conn, f"/api/v1/potentials/{pid}")["version"] for pid in hot}

    stats = Stats()
    start = time.monotonic()
    deadline = start + args.seconds
    threads = [
        threading.Thread(target=client, args=(
            n, args.base[n % len(args.base)], args.token, ids, hot, deadline, stats))
        for n in range(args.clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start

    lost = 0
    for pid in hot:
        final = fetch(conn, f"/api/v1/potentials/{pid}")
        acked = stats.acked.get(pid, [])
        lost += max(0, len(acked) - (final["version"] - first[pid]))
        if acked:
            newest = max(acked)
            if final["version"] != newest[0] or final["title"] != newest[1]:
                lost += 1

    lat = sorted(stats.latencies)
    p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))] if lat else 0.0
    result = {
        "requests": len(lat),
        "seconds": round(elapsed, 1),
        "throughput_rps": round(len(lat) / elapsed, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 1) if lat else 0.0,
        "p95_ms": round(p95 * 1000, 1),
        **{k: v for k, v in stats.codes.items()},
        "edits_acked": sum(len(v) for v in stats.acked.values()),
        "lost_updates": lost,
    }
    print("result=" + json.dumps(result))


if __name__ == "__main__":
    main()
