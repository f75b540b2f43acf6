"""The numpy peer of gevinst's portfolio Monte Carlo (see bench/montecarlo).

Implements the same model as crates/gevinst-domain/src/business_case: lines valued in kr.
(hours at the hourly rate, FTE at the annual cost, enquiries at the channel-cost
difference), discounted at (1+r)^-t; per iteration one Beta-PERT(low, 1, high) multiplier
per line (lambda = 4) and, per risk, a Bernoulli(p) occurrence with a
Beta-PERT(min, likely, max) impact in its year. Vectorised over iterations and lines.

usage: montecarlo_numpy.py INPUT.json ITERATIONS SEED REPEATS
"""
import json
import sys
import time

import numpy as np

LAMBDA = 4.0
BENEFITS = {"frigjorte_timer", "frigjorte_aarsvaerk", "direkte_besparelse", "kanalomlaegning"}


def prepare(inp):
    econ = inp["economics"]
    annual = float(econ["annual_cost_per_fte"])
    hours = float(econ["hours_per_fte"])
    override = econ.get("hourly_rate_override")
    hourly = float(override) if override is not None else annual / hours
    channel = {k: float(v) for k, v in econ["channel_costs"].items()}
    npv_c, full_c, low, high = [], [], [], []
    r_p, r_df, r_min, r_likely, r_max = [], [], [], [], []
    for case in inp["cases"]:
        h = case["horizon"]
        rate = float(case["discount_rate"]) if case.get("discount_rate") is not None else float(econ["discount_rate"])
        df = (1.0 + rate) ** -np.arange(h)
        for line in case["lines"]:
            kind = line["kind"]
            if kind in ("frigjorte_timer", "usynligt_arbejde"):
                unit = hourly
            elif kind == "frigjorte_aarsvaerk":
                unit = annual
            elif kind == "kanalomlaegning":
                unit = channel[line["from_channel"]] - channel[line["to_channel"]]
            else:
                unit = 1.0
            values = np.array([float(a) for a in line["amounts"]]) * unit
            sign = 1.0 if kind in BENEFITS else -1.0
            npv_c.append(sign * float(values @ df))
            full_c.append(0.0 if kind == "investering" else sign * values[-1])
            low.append(float(line["low"]))
            high.append(float(line["high"]))
        for risk in case["risks"]:
            r_p.append(float(risk["probability"]))
            r_df.append(df[risk["year"]])
            r_min.append(float(risk["min"]))
            r_likely.append(float(risk["likely"]))
            r_max.append(float(risk["max"]))
    arr = lambda xs: np.array(xs, dtype=np.float64)
    return dict(npv=arr(npv_c), full=arr(full_c), low=arr(low), high=arr(high),
                rp=arr(r_p), rdf=arr(r_df), rmin=arr(r_min), rlikely=arr(r_likely), rmax=arr(r_max))


def pert(rng, lo, mode, hi, n):
    """n rows of Beta-PERT draws for each column's (lo, mode, hi); constant where hi == lo."""
    span = hi - lo
    out = np.broadcast_to(mode, (n, lo.size)).copy()
    var = span > 0
    if var.any():
        a = 1.0 + LAMBDA * (mode[var] - lo[var]) / span[var]
        b = 1.0 + LAMBDA * (hi[var] - mode[var]) / span[var]
        out[:, var] = lo[var] + span[var] * rng.beta(a, b, size=(n, int(var.sum())))
    return out


def simulate(p, iterations, seed, chunk=2000):
    rng = np.random.default_rng(seed)
    npv = np.empty(iterations)
    full = np.empty(iterations)
    ones = np.ones_like(p["low"])
    for start in range(0, iterations, chunk):
        n = min(chunk, iterations - start)
        m = pert(rng, p["low"], ones, p["high"], n)
        npv[start:start + n] = m @ p["npv"]
        full[start:start + n] = m @ p["full"]
        if p["rp"].size:
            occurs = rng.random((n, p["rp"].size)) < p["rp"]
            impact = pert(rng, p["rmin"], p["rlikely"], p["rmax"], n)
            npv[start:start + n] -= (occurs * impact) @ p["rdf"]
    return npv, full


def main():
    path, iterations, seed, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    with open(path, encoding="utf-8") as f:
        p = prepare(json.load(f))
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        npv, _full = simulate(p, iterations, seed)
        times.append(time.perf_counter() - start)
    times.sort()
    p10, p50, p90 = np.percentile(npv, [10, 50, 90])
    print(json.dumps({"impl": "numpy", "numpy": np.__version__, "p10": p10, "p50": p50, "p90": p90,
                      "mean": float(npv.mean()), "median_seconds": times[len(times) // 2]}))


if __name__ == "__main__":
    main()
