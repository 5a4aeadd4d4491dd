#!/usr/bin/env python3
"""make_diverse.py: a large, diverse, deterministic set of synthetic contacts for the benchmarks.

    python3 bench/make_diverse.py                             # 1,000,000 rows -> bench/data/diverse-1000000.{jsonl,csv}
    python3 bench/make_diverse.py --rows 2000 --out-dir /tmp/d --seed 7
    python3 bench/make_diverse.py --document rules/other.yaml

The benchmarks' other sets repeat the shipped year with fresh ids, so most rows share their inputs
with another row and the batch engine's memo of decisions flatters it. Here almost every row is
its own: distinct children (most with 1-4 contacts so the history counters matter, some with
many), distinct dates of birth (some children unborn, some without a date of birth), received
times at any second of a year (nights, weekends and bank holidays included), 0-5 concerns drawn
from the document's own concerns each at one of that concern's own levels, every declared field
given a varied valid value or left absent, and varied sources and channels. About 0.3% of rows are
deliberately bad, a third each an unknown concern, a malformed timestamp and a level the concern
lacks, so that rejections are exercised; every other row is valid for the document.

Writes STEM.jsonl and STEM.csv (the same rows in the same order; CSV concerns as `a=level;b=level`,
an empty cell where the JSON has no key) and STEM.meta.json: the seed, the row, child and bad-row
counts and the ids of the bad rows, so a benchmark can check that exactly those are rejected. The
same seed, rows and document always give byte-identical files. Everything is synthetic (contact ids
`D-0000001`, child ids `K-0000042`). NumPy does the drawing; a million rows take a few seconds.
bench/data/ is git-ignored: the big files are never committed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DOCUMENT = ROOT / "rules" / "exampleshire.yaml"
DEFAULT_OUT = ROOT / "bench" / "data"

# Built-in contact fields (SPEC section 3). Source codes are the DfE children-in-need census's;
# the engine knows these, the document does not list them.
BUILTINS = ["id", "child", "received", "dob", "unborn", "source", "channel", "concerns"]
SOURCES = ["1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4",
           "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"]
SOURCE_WEIGHTS = [4.5, .5, 2, 1.5, 21, 1.5, 3, 3.5, 1, 1.5, 3, 4, 1.5, 4, 3, 4, 3.5, 28, 2.5, 4, 1.5, 1]
CHANNELS = ["conversation", "written", "notification", "online", "in_person"]

YEAR_START = np.datetime64("2026-04-01T00:00:00", "s")
YEAR_SECONDS = 365 * 86400
BAD_ROW_RATE = 0.003
BAD_KINDS = ["unknown concern", "malformed timestamp", "level the concern lacks"]
UNKNOWN_CONCERNS = ["bedwetting", "domestic_abuze", "head_lice", "parental_mental_heath"]
# Shares of a contact's concern count (0..5) and of a concern's level, lowest level first (then
# renormalised over the levels the concern has), so most contacts are not at the top level.
CONCERN_COUNT_SHARES = [0.08, 0.32, 0.27, 0.17, 0.10, 0.06]
LEVEL_SHARES = [0.35, 0.45, 0.15, 0.05]
NO_DATE = np.iinfo(np.int64).min       # a row without a date of birth


class GenerateError(Exception):
    """A document this generator cannot make contacts for (its path and the field are named)."""


@dataclass
class Document:
    path: str
    levels: list[str]
    concerns: list[str]
    concern_levels: list[list[int]]       # per concern, the indices of the levels it has
    fields: dict[str, dict]


def load_document(path: Path) -> Document:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise GenerateError(f"{path}: cannot read the document: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("levels"), list) or not isinstance(data.get("concerns"), dict):
        raise GenerateError(f"{path}: not a threshold document (no 'levels' list or 'concerns' map)")
    levels = [lv["id"] for lv in data["levels"]]
    concerns, concern_levels = [], []
    for cid, spec in data["concerns"].items():
        have = (spec or {}).get("levels") or {}
        unknown = [lv for lv in have if lv not in levels]
        if unknown:
            raise GenerateError(f"{path}: concerns.{cid}.levels: a level the document does not declare")
        concerns.append(cid)
        concern_levels.append(sorted(levels.index(lv) for lv in have))
    fields = {}
    for fid, spec in (data.get("fields") or {}).items():
        if fid in BUILTINS:
            continue
        if not isinstance(spec, dict) or spec.get("type") not in ("bool", "int", "string", "enum"):
            raise GenerateError(f"{path}: fields.{fid}.type: expected bool, int, string or enum")
        fields[fid] = spec
    return Document(str(path), levels, concerns, concern_levels, fields)


# ------------------------------------------------------------------------------------------------
# Drawing: every column as a NumPy array, in the rows' final order.

def child_sizes(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Contacts per child: 85% have 1-4, 14.5% 5-20, 0.5% 21-200; the sizes add up to `rows`."""
    u = rng.random(rows)
    sizes = np.where(u < 0.85, rng.integers(1, 5, rows),
                     np.where(u < 0.995, rng.integers(5, 21, rows), rng.integers(21, 201, rows)))
    total = np.cumsum(sizes)
    k = int(np.searchsorted(total, rows)) + 1
    sizes = sizes[:k].copy()
    sizes[-1] -= int(total[k - 1]) - rows
    return sizes


def draw_times(rng: np.random.Generator, sizes: np.ndarray, no_child: int) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since YEAR_START, per row: a child's contacts fall in a window starting anywhere in
    the year (exponential length, mean 60 days) so some are close together; rows without a child
    anywhere. Returns the times and each row's child index (-1 for none)."""
    kids = len(sizes)
    owner = np.repeat(np.arange(kids), sizes)
    start = rng.integers(0, YEAR_SECONDS, kids)
    span = np.minimum(rng.exponential(60 * 86400, kids), YEAR_SECONDS - 1)
    t = (start[owner] + rng.random(len(owner)) * span[owner]).astype(np.int64) % YEAR_SECONDS
    t = np.concatenate([t, rng.integers(0, YEAR_SECONDS, no_child)])
    owner = np.concatenate([owner, np.full(no_child, -1)])
    return t, owner


def draw_dobs(rng: np.random.Generator, times: np.ndarray, owner: np.ndarray, kids: int) -> tuple[np.ndarray, np.ndarray]:
    """A date of birth per row (days since YEAR_START, or a sentinel for none) and `unborn`.
    A child's dob is 1 day to 18 years before its first contact (a sixth of them babies under 200
    days, for the age rules); 10% have none recorded; 7% are unborn, half of those with a due date."""
    first = np.full(kids, YEAR_SECONDS, dtype=np.int64)
    has = owner >= 0
    np.minimum.at(first, owner[has], times[has])
    first_day = first // 86400
    baby = rng.random(kids) < 1 / 6
    back = np.where(baby, rng.integers(1, 200, kids), rng.integers(1, 18 * 365, kids))
    kind = rng.random(kids)                 # < 0.10 none, < 0.17 unborn, else born
    due = first_day + rng.integers(1, 200, kids)
    due_known = rng.random(kids) < 0.5
    dob = np.where(kind < 0.10, NO_DATE, np.where(kind < 0.17, np.where(due_known, due, NO_DATE), first_day - back))
    unborn = (kind >= 0.10) & (kind < 0.17)
    # Rows without a child: a dob for most, drawn against the row's own time.
    loose = ~has
    row_dob = np.where(has, dob[np.maximum(owner, 0)], NO_DATE)
    row_unborn = np.where(has, unborn[np.maximum(owner, 0)], False)
    n = int(loose.sum())
    row_dob[loose] = np.where(rng.random(n) < 0.8, times[loose] // 86400 - rng.integers(1, 18 * 365, n), NO_DATE)
    return row_dob, row_unborn


def draw_concerns(rng: np.random.Generator, doc: Document, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, 5) concern indices (-1 unused) and level indices, each concern at one of its own levels."""
    count = rng.choice(len(CONCERN_COUNT_SHARES), size=rows, p=CONCERN_COUNT_SHARES)
    width = min(5, len(doc.concerns))
    order = np.argpartition(rng.random((rows, len(doc.concerns)), dtype=np.float32), width - 1, axis=1)[:, :width]
    cols = np.arange(width)[None, :]
    concern = np.where(cols < count[:, None], order, -1)
    cum = np.ones((len(doc.concerns), len(doc.levels)))
    for i, have in enumerate(doc.concern_levels):
        w = np.array([LEVEL_SHARES[min(j, len(LEVEL_SHARES) - 1)] if j in have else 0.0 for j in range(len(doc.levels))])
        if w.sum() == 0:
            raise GenerateError(f"{doc.path}: concerns.{doc.concerns[i]}.levels: the concern has no level")
        cum[i] = np.cumsum(w / w.sum())
    u = rng.random((rows, width))
    level = (u[:, :, None] > cum[np.maximum(concern, 0)]).sum(axis=2)
    level = np.minimum(level, len(doc.levels) - 1)
    return concern, np.where(concern >= 0, level, -1)


def draw_field(rng: np.random.Generator, name: str, spec: dict, rows: int) -> np.ndarray:
    """An object array of JSON values (None = absent): about a third absent, the rest varied (a bool
    is true on 8% of rows, since a document's flags mostly mark the exceptional case)."""
    u = rng.random(rows)
    kind = spec["type"]
    if kind == "bool":
        out = np.where(u < 0.35, None, np.where(u < 0.92, False, True)).astype(object)
    elif kind == "enum":
        values = list(spec.get("values") or [])
        if not values:
            raise GenerateError(f"fields.{name}.values: an enum field needs values")
        # The first value (usually 'none') is the commonest; the rest share what is left.
        idx = np.where(u < 0.65, 0, rng.integers(0, len(values), rows))
        out = np.array(values, dtype=object)[idx]
        out[u < 0.3] = None
    elif kind == "int":
        lo, hi = int(spec.get("min", 0)), int(spec.get("max", 20))
        out = rng.integers(lo, hi + 1, rows).astype(object)
        out[u < 0.3] = None
    else:
        out = np.array([f"{name}-{i}" for i in range(8)], dtype=object)[rng.integers(0, 8, rows)]
        out[u < 0.3] = None
    return out


def pick(rng: np.random.Generator, values: list[str], weights: list[float] | None, rows: int, absent: float) -> np.ndarray:
    p = None if weights is None else np.asarray(weights) / np.sum(weights)
    out = np.array(values, dtype=object)[rng.choice(len(values), size=rows, p=p)]
    out[rng.random(rows) < absent] = None
    return out


def format_times(rng: np.random.Generator, seconds: np.ndarray) -> np.ndarray:
    """ISO 8601 texts: 92% whole seconds with Z, 4% with milliseconds, 4% with a +01:00 offset."""
    t = YEAR_START + seconds.astype("timedelta64[s]")
    out = np.char.add(np.datetime_as_string(t, unit="s"), "Z").astype(object)
    u = rng.random(len(seconds))
    ms = u < 0.04
    out[ms] = np.char.add(np.datetime_as_string(t[ms].astype("datetime64[ms]") + rng.integers(0, 1000, int(ms.sum())).astype("timedelta64[ms]"), unit="ms"), "Z")
    plus = (u >= 0.04) & (u < 0.08)
    out[plus] = np.char.add(np.datetime_as_string(t[plus] + np.timedelta64(3600, "s"), unit="s"), "+01:00")
    return out


def format_dates(days: np.ndarray) -> np.ndarray:
    out = np.full(len(days), None, dtype=object)
    ok = days != NO_DATE
    d = YEAR_START.astype("datetime64[D]") + days[ok].astype("timedelta64[D]")
    out[ok] = np.datetime_as_string(d, unit="D")
    return out


def spoil(rng: np.random.Generator, doc: Document, cols: dict, concern: np.ndarray, level: np.ndarray, seconds: np.ndarray) -> dict[int, str]:
    """Make about 0.3% of rows bad, a third of each kind (in cols, concern and level); returns {row: kind}."""
    n = len(seconds)
    n_bad = min(n, max(3, round(n * BAD_ROW_RATE)))
    picks = np.sort(rng.choice(n, size=n_bad, replace=False))
    lacking = [(c, lv) for c, have in enumerate(doc.concern_levels) for lv in range(len(doc.levels)) if lv not in have]
    bad = {}
    for j, i in enumerate(picks.tolist()):
        kind = BAD_KINDS[j % 3]
        if kind == "level the concern lacks" and not lacking:
            kind = "unknown concern"
        if kind == "unknown concern":
            cols["extra_concern"][i] = (UNKNOWN_CONCERNS[j % len(UNKNOWN_CONCERNS)], doc.levels[int(rng.integers(0, len(doc.levels)))])
        elif kind == "malformed timestamp":
            t = YEAR_START + np.timedelta64(int(seconds[i]), "s")
            iso = str(np.datetime_as_string(t, unit="s"))
            day, clock = iso.split("T")
            y, m, d = day.split("-")
            cols["received"][i] = [f"{d}/{m}/{y} {clock[:5]}", f"{day} {clock[:5]}", iso, f"{day}T25:{clock[3:]}Z"][j // 3 % 4]
        else:
            c, lv = lacking[int(rng.integers(0, len(lacking)))]
            concern[i][concern[i] == c] = -1
            level[i][concern[i] == -1] = -1
            cols["extra_concern"][i] = (doc.concerns[c], doc.levels[lv])
        bad[i] = kind
    return bad


def generate(doc: Document, rows: int, seed: int) -> tuple[dict, dict]:
    """The columns (object arrays of JSON values, None = absent) in file order, and a summary."""
    rng = np.random.default_rng(seed)
    no_child = int(round(rows * 0.01))
    sizes = child_sizes(rng, rows - no_child)
    seconds, owner = draw_times(rng, sizes, no_child)
    dob, unborn = draw_dobs(rng, seconds, owner, len(sizes))
    order = np.argsort(seconds, kind="stable")          # a year's export, in time order
    seconds, owner, dob, unborn = seconds[order], owner[order], dob[order], unborn[order]
    child_numbers = rng.permutation(len(sizes)) + 1
    width = max(7, len(str(rows)))
    cols: dict = {
        "id": np.array([f"D-{i:0{width}d}" for i in range(1, rows + 1)], dtype=object),
        "child": np.where(owner >= 0, np.char.add("K-", np.char.zfill(child_numbers[np.maximum(owner, 0)].astype(str), width)).astype(object), None),
        "received": format_times(rng, seconds),
        "dob": format_dates(dob),
        "unborn": np.where(unborn, True, None).astype(object),
        "source": pick(rng, SOURCES, SOURCE_WEIGHTS, rows, 0.03),
        "channel": pick(rng, CHANNELS, None, rows, 0.03),
    }
    concern, level = draw_concerns(rng, doc, rows)
    for name, spec in doc.fields.items():
        cols[name] = draw_field(rng, name, spec, rows)
    cols["extra_concern"] = np.full(rows, None, dtype=object)
    bad = spoil(rng, doc, cols, concern, level, seconds)
    cols["concerns"] = concern_texts(doc, concern, level, cols.pop("extra_concern"))
    counts = np.bincount(sizes)
    summary = {
        "generator": "bench/make_diverse.py", "document": shown(doc.path), "seed": seed, "rows": rows,
        "children": len(sizes), "rows_without_child": no_child,
        "contacts_per_child": {"1-4": int(counts[1:5].sum()), "5-20": int(counts[5:21].sum()), "21+": int(counts[21:].sum()),
                               "max": int(sizes.max())},
        "unborn_rows": int(unborn.sum()), "rows_without_dob": int((dob == NO_DATE).sum()),
        "bad_rows": len(bad), "bad_by_kind": {k: sum(1 for v in bad.values() if v == k) for k in BAD_KINDS},
        "bad_row_ids": [str(cols["id"][i]) for i in sorted(bad)],
    }
    return cols, summary


def shown(path: str) -> str:
    p = Path(path).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)


def concern_texts(doc: Document, concern: np.ndarray, level: np.ndarray, extra: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's concerns as the inside of a JSON object and as CSV `a=level;b=level` text, built
    a column of fragments at a time (object-array additions run in C, not a Python loop per row).
    A row's concerns fill its first slots, so only the first slot's fragment has no separator; the
    few bad rows, whose slots spoil() may have emptied and which carry an extra concern, are
    spelt out one by one."""
    pairs = [(c, lv) for c in doc.concerns for lv in doc.levels]
    first_j = np.array([f'"{c}":"{lv}"' for c, lv in pairs] + [""], dtype=object)
    first_c = np.array([f"{c}={lv}" for c, lv in pairs] + [""], dtype=object)
    rest_j = np.array([f',"{c}":"{lv}"' for c, lv in pairs] + [""], dtype=object)
    rest_c = np.array([f";{c}={lv}" for c, lv in pairs] + [""], dtype=object)
    idx = np.where(concern >= 0, concern * len(doc.levels) + level, len(pairs))
    j, c = first_j[idx[:, 0]], first_c[idx[:, 0]]
    for k in range(1, idx.shape[1]):
        j, c = j + rest_j[idx[:, k]], c + rest_c[idx[:, k]]
    for i in np.flatnonzero(extra != None).tolist():  # noqa: E711 (elementwise)
        row = [pairs[p] for p in idx[i].tolist() if p < len(pairs)] + [extra[i]]
        j[i] = ",".join(f'"{name}":"{lv}"' for name, lv in row)
        c[i] = ";".join(f"{name}={lv}" for name, lv in row)
    return j, c


# ------------------------------------------------------------------------------------------------
# Writing. Every value is a plain ASCII id, code, date or number, so none needs escaping. A line is
# its columns' fragments joined, each ',"key":value' or '' where the key is absent.

def json_value(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return f'"{v}"'


def csv_value(v) -> str:
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v)


TEXT_COLUMNS = ("id", "child", "received", "dob")   # many distinct texts; every other column has few values


def fragments(name: str, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A column's JSON fragments (',"name":value', or '' when absent) and CSV cells."""
    if name in TEXT_COLUMNS:
        present = values != None  # noqa: E711 (elementwise)
        j = np.full(len(values), "", dtype=object)
        c = np.full(len(values), "", dtype=object)
        j[present] = f',"{name}":"' + values[present] + '"'
        c[present] = values[present]
        return j, c
    # Few distinct values: each is formatted once, and rows take theirs by code (-1, absent, takes
    # the table's last entry, '').
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    j_table = np.array([f',"{name}":{json_value(v)}' for v in uniques] + [""], dtype=object)
    c_table = np.array([csv_value(v) for v in uniques] + [""], dtype=object)
    return j_table[codes], c_table[codes]


def write(cols: dict, out_dir: Path, stem: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    header = [h for h in BUILTINS if h in cols] + [h for h in cols if h not in BUILTINS]
    json_cols, csv_cols = [], []
    for h in header:
        if h == "concerns":
            j, c = ',"concerns":{' + cols[h][0] + "}", cols[h][1]
        else:
            j, c = fragments(h, cols[h])
        json_cols.append(j.tolist())
        csv_cols.append(c.tolist())
    json_cols[0] = ["{" + t[1:] for t in json_cols[0]]      # the id's fragment has no comma before it
    json_cols.append(["}\n"] * len(json_cols[0]))
    jsonl, csv = out_dir / f"{stem}.jsonl", out_dir / f"{stem}.csv"
    # One string per file, written at once: much faster than a million small writes.
    jsonl.write_bytes("".join(map("".join, zip(*json_cols))).encode("ascii"))
    csv.write_bytes((",".join(header) + "\n" + "\n".join(map(",".join, zip(*csv_cols))) + "\n").encode("ascii"))
    return jsonl, csv


def make(rows: int, seed: int, document: Path, out_dir: Path, stem: str) -> dict:
    """Generate and write the set; returns the summary (also written to STEM.meta.json)."""
    doc = load_document(document)
    cols, summary = generate(doc, rows, seed)
    jsonl, csv = write(cols, out_dir, stem)
    summary["files"] = {"jsonl": str(jsonl), "csv": str(csv)}
    (out_dir / f"{stem}.meta.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def ensure(rows: int, seed: int, document: Path, out_dir: Path) -> dict:
    """The set of `rows` rows and `seed` in out_dir (diverse-ROWS.*), made only if it is not there:
    the benchmarks share one copy of each size."""
    stem = f"diverse-{rows}"
    meta_path = out_dir / f"{stem}.meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    files = meta.get("files", {})
    if meta.get("seed") != seed or meta.get("document") != shown(str(document)) or \
            not all(Path(files.get(k, "")).exists() for k in ("jsonl", "csv")):
        t = time.perf_counter()
        meta = make(rows, seed, document, out_dir, stem)
        print(f"make_diverse: made {rows:,} rows (seed {seed}) in {out_dir} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--document", type=Path, default=DEFAULT_DOCUMENT)
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT, help="default bench/data (git-ignored)")
    ap.add_argument("--stem", default=None, help="file name without extension (default diverse-ROWS, as the benchmarks use)")
    args = ap.parse_args(argv)
    if args.rows < 10:
        ap.error("--rows must be at least 10")
    t = time.perf_counter()
    try:
        s = make(args.rows, args.seed, args.document, args.out_dir, args.stem or f"diverse-{args.rows}")
    except GenerateError as e:
        print(f"make_diverse: {e}", file=sys.stderr)
        return 2
    print(f"wrote {s['rows']:,} contacts about {s['children']:,} children ({s['bad_rows']} deliberately bad rows) to "
          f"{s['files']['jsonl']} and .csv in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
