#!/usr/bin/env python3
"""The import benchmark's pandas side: the same dry run as gevinst's import_bench
(read the workbook with pandas + openpyxl, find the header row, map the columns by
synonyms, parse Danish numbers, scale words and years, match units and statuses,
guard against CPR numbers, flag rows without a title and duplicates), repeated.

Usage: dry_run_pandas.py FILE [RUNS]. Prints run_seconds=... per run and a summary.
"""
import datetime
import re
import sys
import time
import unicodedata

import pandas as pd

SYNONYMS = {
    "title": ["Titel", "Navn", "Title", "Name", "Potentiale", "Projekt", "Projektnavn"],
    "description": ["Beskrivelse", "Description", "Kort beskrivelse", "Formål"],
    "unit": ["Enhed", "Afdeling", "Forvaltning", "Unit", "Department"],
    "status": ["Status", "Fase", "Stage"],
    "gain": ["Forventet gevinst", "Forventet gevinst (kr.)", "Gevinst", "Expected benefit"],
    "hours": ["Timer pr. år", "Timer", "Hours"],
    "fte": ["Årsværk", "FTE"],
    "investment": ["Investering", "Investment"],
    "running": ["Drift pr. år", "Drift", "Running cost"],
    "start_year": ["Startår", "Start", "År", "Year"],
    "external_id": ["Eksternt id", "Id", "External id", "Nr"],
}
KNOWN_UNITS = ["Borgerservice", "Jobcenter", "Ældreområdet"]
KNOWN_STATUSES = ["Idé", "Analyse", "Besluttet", "I drift"]


def key(text):
    s = str(text).lower()
    s = s.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if c.isalnum() and not unicodedata.combining(c))


SYN_KEYS = {key(s): field for field, words in SYNONYMS.items() for s in words}
UNIT_KEYS = {key(u): u for u in KNOWN_UNITS}
STATUS_KEYS = {key(s): s for s in KNOWN_STATUSES}

SCALES = [
    ("t. kr.", 1000), ("t.kr.", 1000), ("tkr.", 1000), ("tkr", 1000), ("kr.", 1), ("kr", 1),
    (",-", 1), ("mio.", 10**6), ("mio", 10**6), ("mia.", 10**9),
]
GROUPED = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")
CPR = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})-?(\d{4})(?!\d)")


def parse_number(text):
    t = text.strip().replace(" ", "")
    neg = t.startswith("-")
    t = t.lstrip("+-")
    if "," in t:
        whole, frac = t.split(",", 1)
        if "." in whole:
            if not GROUPED.match(whole):
                raise ValueError(text)
            whole = whole.replace(".", "")
        t = whole + "." + frac
    elif GROUPED.match(t):
        t = t.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d+)?", t):
        raise ValueError(text)
    value = float(t)
    return -value if neg else value


def ambiguous(text):
    return re.fullmatch(r"[1-9]\d{0,2}[.,]\d{3}", text.strip()) is not None


def parse_amount(value, warnings):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if not text:
        return None
    factor = 1
    lower = text.lower()
    if lower.startswith("kr."):
        text, lower = text[3:].strip(), lower[3:].strip()
    for _ in range(3):
        for word, f in SCALES:
            if lower.endswith(word) and len(lower) > len(word):
                text, lower = text[: -len(word)].strip(), lower[: -len(word)].strip()
                factor = max(factor, f)
                break
    # As in gevinst: a scale word is reported; a dot before three digits next to a
    # currency word can only group thousands, so only bare numbers are ambiguous.
    money_word = factor != 1 or "kr" in str(value).lower() or "dkk" in str(value).lower()
    if factor != 1:
        warnings.append("scale")
    elif not money_word and ambiguous(text):
        warnings.append("ambiguous")
    return parse_number(text) * factor


def parse_year(value, warnings):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (datetime.date, datetime.datetime)):
        warnings.append("date as year")
        return value.year
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if re.fullmatch(r"\d{4}", text) and 1900 <= int(text) <= 2200:
        return int(text)
    raise ValueError(text)


def valid_date(d, m, y):
    for century in (1900, 2000):
        try:
            datetime.date(century + y, m, d)
            return True
        except ValueError:
            pass
    return False


def has_cpr(text):
    for m in CPR.finditer(text):
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if valid_date(d, mo, y):
            return True
    return False


def match(value, known_keys, warnings):
    k = key(value)
    if k in known_keys:
        return known_keys[k]
    warnings.append("unknown")
    return value.strip()


def dry_run(path):
    frame = pd.read_excel(path, header=None, dtype=object, engine="openpyxl")
    header_row = None
    for i in range(min(30, len(frame))):
        cells = [c for c in frame.iloc[i].tolist() if isinstance(c, str)]
        if len({SYN_KEYS[key(c)] for c in cells if key(c) in SYN_KEYS}) >= 2:
            header_row = i
            break
    if header_row is None:
        raise SystemExit("no header")
    columns = {}
    for idx, name in enumerate(frame.iloc[header_row].tolist()):
        if isinstance(name, str) and key(name) in SYN_KEYS:
            columns.setdefault(SYN_KEYS[key(name)], idx)
    data = frame.iloc[header_row + 1 :].dropna(how="all")
    seen_ids, seen_titles, seen_content = {}, {}, {}
    counts = {"rows": 0, "valid": 0, "errors": 0, "warnings": 0, "cpr": 0, "duplicates": 0,
              "possible_duplicates": 0}
    for row in data.itertuples(index=False, name=None):
        counts["rows"] += 1
        errors, warnings = [], []
        get = lambda f: row[columns[f]] if f in columns else None
        texts = [c for c in row if isinstance(c, str)]
        if any(has_cpr(t) for t in texts):
            errors.append("cpr")
            counts["cpr"] += 1
        title = get("title")
        title = title.strip() if isinstance(title, str) and title.strip() else None
        if title is None:
            errors.append("no title")
        unit = get("unit")
        unit = match(unit, UNIT_KEYS, warnings) if isinstance(unit, str) else None
        status = get("status")
        if isinstance(status, str):
            match(status, STATUS_KEYS, warnings)
        for field in ("gain", "investment", "running"):
            try:
                parse_amount(get(field), warnings)
            except ValueError:
                errors.append(field)
        for field in ("hours", "fte"):
            value = get(field)
            try:
                if isinstance(value, str):
                    if ambiguous(value):
                        warnings.append("ambiguous")
                    parse_number(value)
            except ValueError:
                errors.append(field)
        try:
            parse_year(get("start_year"), warnings)
        except ValueError:
            errors.append("year")
        if title is not None:
            ext = get("external_id")
            ext = str(ext).strip().lower() if ext is not None and not pd.isna(ext) else None
            k = " ".join(title.lower().split()) + "|" + " ".join((unit or "").lower().split())
            if ext:
                dup = ext in seen_ids
                seen_ids.setdefault(ext, True)
            else:
                dup = k in seen_titles
                seen_titles.setdefault(k, True)
            if dup:
                errors.append("duplicate")
                counts["duplicates"] += 1
            elif ext:
                # The same title and unit under another external id: a possible duplicate.
                first = seen_content.setdefault(k, ext)
                if first != ext:
                    counts["possible_duplicates"] += 1
        if errors:
            counts["errors"] += 1
        else:
            counts["valid"] += 1
            if warnings:
                counts["warnings"] += 1
    return counts


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    counts = None
    for _ in range(runs):
        start = time.perf_counter()
        counts = dry_run(path)
        print(f"run_seconds={time.perf_counter() - start:.6f}")
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
