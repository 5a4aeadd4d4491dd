"""frontdoor.spark: a PySpark DataFrame decided with mapInArrow, in Spark local mode, row for row as
Document.decide_many decides the same frame (history included). Skipped without pyspark or Java."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark")
pa = pytest.importorskip("pyarrow")

import pandas as pd  # noqa: E402

import frontdoor as fd  # noqa: E402
import frontdoor.spark as fs  # noqa: E402
from conftest import CONTACTS, DOC, ROOT  # noqa: E402
from helpers import frame_rows, row_as_json  # noqa: E402

if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip("Spark needs Java (none on PATH, JAVA_HOME unset)", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

# Small Arrow batches into the Python workers, so that a child's rows often straddle two batches of
# a partition and decide's carrying of the last child from one batch to the next is exercised.
ARROW_BATCH = 500


@pytest.fixture(scope="module")
def spark():
    # The Python workers must import the same frontdoor as this process (build/python under ctest).
    package_parent = str(Path(fd.__file__).resolve().parent.parent)
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, saved["PYTHONPATH"]) if p)
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]").appName("frontdoor-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "3")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH))
        .config("spark.driver.memory", "1g")
        .config("spark.network.timeout", "60s")
        .config("spark.executor.heartbeatInterval", "10s")
        .config("spark.python.worker.reuse", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def spark_rows(sdf) -> list[dict]:
    """Rows of a Spark DataFrame as dicts, timestamps as UTC instants."""
    if hasattr(sdf, "toArrow"):  # pyspark 4
        return sdf.toArrow().to_pylist()
    out = sdf.toPandas()  # pyspark 3.5: naive datetimes in the session's zone (UTC here)
    for c in ("deadline", "received", "decided"):
        if c in out.columns:
            out[c] = pd.to_datetime(out[c]).dt.tz_localize("UTC")
    return out.to_dict("records")


def by_contact(rows: list[dict]) -> dict[str, dict]:
    out = {r["contact"]: row_as_json(r) for r in rows}
    assert len(out) == len(rows), "contact ids repeat"
    return out


def assert_same_decisions(spark_out, expected_frame) -> list[dict]:
    """Every row of the Spark output equal to decide_many's (joined on the contact id); returns
    the Spark rows."""
    got = spark_rows(spark_out)
    expected = frame_rows(expected_frame)
    assert len(got) == len(expected), "a row was lost or added"
    got_by, expected_by = by_contact(got), by_contact(expected)
    assert got_by.keys() == expected_by.keys()
    diff = [(k, got_by[k], expected_by[k]) for k in expected_by if got_by[k] != expected_by[k]]
    assert not diff, f"{len(diff)} rows differ, e.g. {diff[:2]}"
    return got


def input_partition_of(sdf) -> dict[str, int]:
    return {r["id"]: r["p"] for r in sdf.select("id", F.spark_partition_id().alias("p")).collect()}


def frame_in_partitions(spark, frame: pd.DataFrame, partitions: int):
    """A Spark DataFrame of the frame's rows (all text) in `partitions` slices of consecutive rows."""
    records = [tuple(None if pd.isna(v) else v for v in r) for r in frame.itertuples(index=False)]
    schema = T.StructType([T.StructField(c, T.StringType()) for c in frame.columns])
    return spark.createDataFrame(spark.sparkContext.parallelize(records, numSlices=partitions), schema)


# --- the shipped year -------------------------------------------------------------------------------


def test_shipped_contacts_match_decide_many(spark, doc, contacts):
    # The first 6,000 contacts of the shipped year (two months: 1,171 children with more than one
    # contact, repeat-contact and re-referral flags, 13 rejected rows), to keep Spark's part quick.
    head = contacts.head(6000)
    expected = doc.decide_many(head)
    # Six input partitions of consecutive rows (ten days or so each): most children with several
    # contacts have them in more than one, so only the shuffle by child can give them their history.
    sdf = frame_in_partitions(spark, head, 6)
    where = input_partition_of(sdf)
    spread = head.assign(p=head["id"].map(where)).dropna(subset=["child"]).groupby("child")["p"].nunique()
    assert sdf.rdd.getNumPartitions() == 6 and (spread > 1).sum() > 500
    out = fs.decide(sdf, DOC, partitions=3, batch_rows=700)
    assert out.columns == list(expected.columns)
    assert out.schema == fs.output_schema(sdf.schema)
    rows = assert_same_decisions(out, expected)
    # The rejected rows come back, each with the engine's own error.
    errors = {r["contact"]: r["error"] for r in rows if r["error"] is not None}
    assert len(errors) == int(expected["error"].notna().sum()) == 13
    assert errors == dict(zip(expected.loc[expected["error"].notna(), "contact"], expected["error"].dropna()))
    # The carried input columns are the input's.
    assert {r["contact"]: (r["child"], r["source"]) for r in rows} == \
           {i: (None if pd.isna(c) else c, None if pd.isna(s) else s)
            for i, c, s in zip(head["id"], head["child"], head["source"])}


def test_a_childs_rows_in_different_input_partitions_keep_their_history(spark, doc, contacts):
    # Children whose decisions need their history: deciding each row alone changes some of them.
    whole = doc.decide_many(contacts)
    counts = contacts["child"].value_counts()
    candidates = [c for c in counts.index[counts >= 4]
                  if whole.loc[contacts["child"] == c, "flags"].map(lambda f: f is not None and "repeat_contact" in f).any()]
    assert candidates, "the shipped year has children flagged for repeat contacts"
    child = candidates[0]
    rows = contacts[contacts["child"] == child]
    # One child's contacts (plus a few others), each in its own input partition, in input order.
    others = contacts[contacts["child"] != child].head(3)
    subset = pd.concat([rows, others]).sort_index()
    sdf = frame_in_partitions(spark, subset, len(subset))  # one row per input partition
    where = input_partition_of(sdf)
    assert len({where[i] for i in rows["id"]}) == len(rows), "the child's rows are in different input partitions"
    expected = doc.decide_many(subset)
    # History matters here: deciding each input partition on its own (no co-location) would differ.
    one_by_one = pd.concat([doc.decide_many(subset.iloc[[i]]) for i in range(len(subset))])
    assert [row_as_json(r) for r in frame_rows(one_by_one)] != [row_as_json(r) for r in frame_rows(expected)]
    assert any("repeat_contact" in (f or ()) for f in expected["flags"])
    out = fs.decide(sdf, doc, partitions=3)
    assert_same_decisions(out, expected)


# --- Spark's own types, reasons, keep -----------------------------------------------------------------


def test_spark_types_reasons_and_kept_columns(spark, doc, contacts):
    sample = contacts.head(3000).copy()
    # Instants as Spark timestamps and concerns as a map, as a data lake would hold them.
    sample["received"] = pd.to_datetime(sample["received"], utc=True, errors="coerce", format="ISO8601")
    sample["concerns"] = [None if pd.isna(c) else dict(kv.split("=", 1) for kv in c.split(";")) for c in sample["concerns"]]
    schema = T.StructType([
        T.StructField(c, T.TimestampType() if c == "received"
                      else T.MapType(T.StringType(), T.StringType()) if c == "concerns" else T.StringType())
        for c in sample.columns
    ])
    sdf = spark.createDataFrame(sample, schema=schema).repartition(3)
    assert dict(sdf.dtypes)["received"] == "timestamp" and dict(sdf.dtypes)["concerns"].startswith("map")
    expected = doc.decide_many(sample, reasons=True)
    out = fs.decide(sdf, doc, reasons=True, keep=["id", "dob"])
    assert out.columns == list(expected.columns) + ["id", "dob"]
    got = {r["contact"]: r for r in spark_rows(out)}
    assert len(got) == len(sample)
    for e in frame_rows(expected):
        g = got[e["contact"]]
        assert row_as_json(g) == row_as_json(e)
        assert [(r["kind"], r["id"], r["text"], r["at"]) for r in (g["reasons"] or [])] == \
               [tuple(r)[:4] for r in (e["reasons"] or ())]  # (kind, id, text, at, line)
        assert g["id"] == e["contact"]
    assert {r["contact"]: r["dob"] for r in out.select("contact", "dob").collect()} == \
           {i: (None if pd.isna(d) else d) for i, d in zip(sample["id"], sample["dob"])}


def test_without_a_child_column_rows_are_decided_alone(spark, doc, contacts):
    sample = contacts.head(400).drop(columns=["child"])
    out = fs.decide(spark.createDataFrame(sample), DOC, partitions=2)
    assert "child" not in out.columns
    assert_same_decisions(out, doc.decide_many(sample))


# --- the partition function itself (no Spark job) ---------------------------------------------------


def test_a_child_is_never_split_between_calls(doc, contacts):
    """_Decider on hand-made Arrow batches, sorted by child as decide's shuffle leaves them: one-row
    batches and batch_rows=1 make every batch end inside a child, and a child fill whole batches."""
    sample = contacts.head(1500)
    ordered = (sample.assign(_row=range(len(sample)))
               .sort_values(["child", "_row"], na_position="first", kind="stable").drop(columns="_row"))
    table = pa.Table.from_pandas(ordered, preserve_index=False)
    assert table.column("child").null_count > 0  # rows without a child come first, as Spark sorts them
    schema = fs._arrow_schema(fs.output_schema(T.StructType([T.StructField(c, T.StringType()) for c in sample.columns])), False)
    data = (ROOT / DOC).read_bytes()
    for rows, batch_rows, chunk in ((300, 1, 1), (1500, 7, 3), (1500, 100_000, 250)):
        part = table.slice(0, rows)
        expected = [row_as_json(r) for r in frame_rows(doc.decide_many(part))]
        decider = fs._Decider(data, DOC, doc.sha256, schema, child="child", reasons=False, ignore=[], threads=1,
                              batch_rows=batch_rows)
        out = pa.Table.from_batches(list(decider(iter(part.to_batches(max_chunksize=chunk)))), schema=schema)
        assert out.num_rows == rows
        assert [row_as_json(r) for r in out.to_pylist()] == expected


# --- the driver's checks ----------------------------------------------------------------------------


def test_documents_are_checked_on_the_driver(spark, doc, tmp_path):
    sdf = spark.createDataFrame([("C1", "K1", "2026-05-04T10:00:00Z")], "id string, child string, received string")
    bad = tmp_path / "bad.yaml"
    bad.write_text("frontdoor: 1\nid: x\nlevels: []\n")
    with pytest.raises(fd.DocumentError):
        fs.decide(sdf, bad)
    with pytest.raises(FileNotFoundError):
        fs.decide(sdf, tmp_path / "missing.yaml")
    text = (ROOT / DOC).read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="text="):
        fs.decide(sdf, fd.loads(text))  # no file to ship
    out = fs.decide(sdf, DOC, text=text).collect()  # the text, with the path its reasons name
    assert [r["outcome"] for r in out] == [doc.decide({"id": "C1", "child": "K1", "received": "2026-05-04T10:00:00Z"}).outcome]
    with pytest.raises(ValueError, match="no column"):
        fs.decide(sdf, doc, keep=["nope"])
    with pytest.raises(ValueError, match="column of the decisions"):
        fs.decide(sdf, doc, keep=["received"])
    with pytest.raises(ValueError):
        fs.decide(sdf, doc, partitions=0)


def test_import_frontdoor_does_not_import_pyspark():
    code = "import sys, frontdoor, frontdoor.spark; assert 'pyspark' not in sys.modules, 'pyspark imported'"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(Path(fd.__file__).resolve().parent.parent), os.environ.get("PYTHONPATH")) if p))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
