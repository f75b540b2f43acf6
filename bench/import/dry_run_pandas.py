#!/usr/bin/env python3
"""The import benchmark's pandas side: the same dry run as gevinst's import_bench
(read the workbook with pandas + openpyxl, find the header row below a title, map the
columns by synonyms, read forvaltning/afdeling/enhed columns as a unit path, parse
Danish numbers, scale words and years, match units, fagområder and technologies (equal
keys, else a unique name one or two edits away, else a name that contains the value or
is contained in it) and statuses (labels and the words people write: BC, godkendt, på
hold …), guard against CPR numbers in text and number cells, flag rows without a title,
totals rows, afvist/parkeret rows without a reason, figures the status may not have, and
duplicates: the same external id, or the same normalised title and unit path, found
through hash maps in one pass), repeated.

Usage: dry_run_pandas.py FILE [RUNS] [KNOWN.json]. KNOWN.json names the tenant's units,
fagområder, statuses and technologies (as make_messy_xlsx writes them). Prints
run_seconds=... per run and a summary.
"""
import datetime
import json
import re
import sys
import time
import unicodedata

import pandas as pd

SYNONYMS = {
    "title": ["Titel", "Navn", "Title", "Name", "Potentiale", "Projekt", "Projektnavn"],
    "description": ["Beskrivelse", "Description", "Kort beskrivelse", "Formål"],
    "unit": ["Unit", "Department", "Organisation", "Organisatorisk enhed", "Center"],
    "unit_0": ["Forvaltning", "Direktørområde"],
    "unit_1": ["Afdeling"],
    "unit_2": ["Enhed"],
    "fagomraade": ["Fagområde", "Område", "Fagligt område"],
    "technology": ["Teknologi", "Technology", "Løsningstype"],
    "owner": ["Gevinstejer", "Ansvarlig", "Ejer", "Owner"],
    "reason": ["Begrundelse", "Årsag", "Reason"],
    "status": ["Status", "Fase", "Stage"],
    "gain": ["Forventet gevinst", "Forventet gevinst (kr.)", "Gevinst", "Expected benefit"],
    "hours": ["Timer pr. år", "Timer", "Hours"],
    "fte": ["Årsværk", "FTE"],
    "investment": ["Investering", "Investment"],
    "running": ["Drift pr. år", "Drift", "Running cost"],
    "start_year": ["Startår", "Start", "År", "Year"],
    "external_id": ["Eksternt id", "Id", "External id", "Nr", "Nummer", "Løbenummer"],
}
KNOWN = {
    "units": ["Borgerservice", "Jobcenter", "Ældreområdet"],
    "statuses": ["Idé", "Analyse", "Besluttet", "I drift"],
    "fagomraader": [],
    "technologies": [],
}
STATUS_WORDS = {
    "Business case": ["BC", "business-case", "forretningsgrundlag"],
    "Besluttet": ["godkendt", "vedtaget", "besluttet"],
    "I implementering": ["i gang", "implementeres", "under implementering"],
    "Parkeret": ["på hold", "sat i bero", "parkeret"],
    "I drift": ["drift", "i drift"],
    "Afvist": ["afvist", "droppet"],
}
NEEDS_REASON = {"Afvist", "Parkeret"}
DECIDED = {"Besluttet", "I implementering", "I drift", "Gevinst realiseret"}
MAY_HAVE_CASE = DECIDED | {"Business case"}
TOTAL_TITLES = {"ialt", "total", "sum", "samlet", "totalt"}


def key(text):
    s = str(text).lower()
    s = s.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if c.isalnum() and not unicodedata.combining(c))


SYN_KEYS = {key(s): field for field, words in SYNONYMS.items() for s in words}


def edit_distance(a, b, cap):
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > cap:
            return cap + 1
        prev = cur
    return prev[-1]


class Names:
    """Known names of one list, matched as gevinst matches them, with a cache per value."""

    def __init__(self, names):
        self.names = list(names)
        self.keys = {key(n): n for n in self.names}
        self.cache = {}

    def match(self, raw):
        k = key(raw)
        if k in self.cache:
            return self.cache[k]
        found = self.keys.get(k)
        how = "exact"
        if found is None and len(k) >= 5:
            cap = 2 if len(k) >= 8 else 1
            close = [n for kk, n in self.keys.items() if edit_distance(kk, k, cap) <= cap]
            if len(close) == 1:
                found, how = close[0], "close"
        if found is None and len(k) >= 3:
            similar = [n for kk, n in self.keys.items() if len(kk) >= 3 and (k in kk or kk in k)]
            if similar:
                found, how = similar[0], "suggested"
        if found is None:
            how = "unknown"
        self.cache[k] = (found, how)
        return found, how

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


def matched(names, value, warnings):
    found, how = names.match(value)
    if how != "exact":
        warnings.append(how)
    return found or value.strip()


def cell_text(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text or None


def first_visible_sheet(path):
    book = pd.ExcelFile(path, engine="openpyxl")
    for ws in book.book.worksheets:
        if ws.sheet_state == "visible":
            return pd.read_excel(book, sheet_name=ws.title, header=None, dtype=object)
    raise SystemExit("no visible sheet")


def has_cpr_number(value):
    # A CPR number typed into a number cell: 9 or 10 digits (a leading zero is lost).
    if isinstance(value, (int, float)) and not pd.isna(value) and float(value).is_integer():
        digits = str(int(value))
        return len(digits) in (9, 10) and has_cpr(digits.zfill(10))
    return False


def dry_run(path, known):
    frame = first_visible_sheet(path)
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
    levels = [columns[f] for f in ("unit_0", "unit_1", "unit_2", "unit") if f in columns]
    units, fags, techs = Names(known["units"]), Names(known["fagomraader"]), Names(known["technologies"])
    statuses = Names(known["statuses"])
    words = {key(w): label for label, ws in STATUS_WORDS.items() for w in ws}
    data = frame.iloc[header_row + 1 :].dropna(how="all")
    seen_ids, seen_content = {}, {}
    counts = {"rows": 0, "valid": 0, "errors": 0, "warnings": 0, "cpr": 0, "duplicates": 0}
    for row in data.itertuples(index=False, name=None):
        counts["rows"] += 1
        errors, warnings = [], []
        get = lambda f: row[columns[f]] if f in columns else None
        if any(has_cpr(c) for c in row if isinstance(c, str)) or any(has_cpr_number(c) for c in row):
            errors.append("cpr")
            counts["cpr"] += 1
        title = cell_text(get("title"))
        if title is None:
            errors.append("no title")
        elif key(title) in TOTAL_TITLES:
            errors.append("total row")
        path_names = [t for t in (cell_text(row[c]) for c in levels) if t]
        unit_path = [matched(units, t, warnings) for t in path_names]
        if not unit_path:
            errors.append("no unit")
        status = None
        raw_status = cell_text(get("status"))
        if raw_status:
            status, how = statuses.match(raw_status)
            if how not in ("exact", "close"):
                status = words.get(key(raw_status))
                if status is None:
                    errors.append("unknown status")
                else:
                    warnings.append("status word")
        if status in NEEDS_REASON and not cell_text(get("reason")):
            errors.append("reason required")
        for field, names in (("fagomraade", fags), ("technology", techs)):
            value = cell_text(get(field))
            if value:
                matched(names, value, warnings)
        cell_text(get("owner"))
        figures = False
        for field in ("gain", "investment", "running"):
            try:
                figures |= parse_amount(get(field), warnings) is not None
            except ValueError:
                errors.append(field)
        for field in ("hours", "fte"):
            value = get(field)
            try:
                if isinstance(value, str):
                    if ambiguous(value):
                        warnings.append("ambiguous")
                    parse_number(value)
                    figures = True
                elif isinstance(value, (int, float)) and not pd.isna(value):
                    figures = True
            except ValueError:
                errors.append(field)
        try:
            parse_year(get("start_year"), warnings)
        except ValueError:
            errors.append("year")
        if status is not None:
            if figures and status not in MAY_HAVE_CASE:
                errors.append("case too early")
            if not figures and status in DECIDED:
                errors.append("decided without case")
        if title is not None:
            ext = cell_text(get("external_id"))
            content = " ".join(title.lower().split()) + "|" + "/".join(
                " ".join(u.lower().split()) for u in unit_path
            )
            dup = content in seen_content
            seen_content.setdefault(content, True)
            if ext:
                ext = ext.lower()
                dup = dup or ext in seen_ids
                seen_ids.setdefault(ext, True)
            if dup:
                errors.append("duplicate")
                counts["duplicates"] += 1
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
    known = dict(KNOWN)
    if len(sys.argv) > 3:
        with open(sys.argv[3], encoding="utf-8") as f:
            known.update(json.load(f))
    counts = None
    for _ in range(runs):
        start = time.perf_counter()
        counts = dry_run(path, known)
        print(f"run_seconds={time.perf_counter() - start:.6f}")
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
