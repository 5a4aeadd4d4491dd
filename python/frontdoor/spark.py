"""frontdoor on Apache Spark: decide a PySpark DataFrame of contacts across a cluster.

    import frontdoor.spark
    out = frontdoor.spark.decide(df, "rules/exampleshire.yaml")    # a PySpark DataFrame in, one out

The rows are repartitioned by `child`, so that every child's contacts land in one partition, sorted
within each partition by child and then by input order, and decided there by
`Document.decide_many` through `DataFrame.mapInArrow`. History is therefore exactly what one
`decide_many` over the whole frame would give (SPEC 2.2: a row's history is the earlier rows of the
same child by `received`, ties by input order, with the outcomes decided in this run).

The document reaches the executors as its bytes (with its path, for the positions in reasons) and
is compiled once per Python worker, not pickled as a C++ object. The executors need the `frontdoor`
package itself installed (it has a native module: `--py-files` is not enough); see docs/spark.md.

pyspark is imported only when this module's functions are called; `import frontdoor` never imports
it.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Optional, Sequence, Union

from . import _frontdoor as _core
from ._document import Document, _compiled

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

__all__ = ["decide", "output_schema"]

PathLike = Union[str, "os.PathLike[str]"]

# The column that carries each row's place in the input through the shuffle (dropped on the way out).
ROW_COLUMN = "__frontdoor_row"
# Decision columns of decide_many, and the input columns it carries into its output.
_DECISIONS = ["contact", "level", "outcome", "category", "referral", "actions", "deadline", "flags", "rules", "routing"]
_CARRIED = ["child", "source", "recorded_outcome"]
# Rows decided per decide_many call on an executor (a child's rows are never split between calls).
DEFAULT_BATCH_ROWS = 65_536


# --- the schema -----------------------------------------------------------------------------------


def output_schema(input_schema: "StructType", *, reasons: bool = False, ignore: Iterable[str] = (),
                  keep: Sequence[str] = ()) -> "StructType":
    """The Spark schema `decide` returns for an input of this schema: decide_many's columns in its
    order (`contact`, `level`, `outcome`, `category`, `referral`, `actions`, `deadline`, `flags`,
    `rules`, `routing`, `reasons` with `reasons=True`, `error`, then the input's `child`, `received`
    as the engine read it, `source`, `decided` and `recorded_outcome` when the input has them), then
    the `keep` columns with their input types. Levels, outcomes, categories and routing ids are
    strings; deadlines and times are Spark timestamps (UTC instants)."""
    from pyspark.sql import types as T

    by_name = {f.name: f for f in input_schema.fields}
    skip = set(ignore)
    text = T.StringType()
    texts = T.ArrayType(T.StringType(), containsNull=True)
    time = T.TimestampType()
    fields = [
        T.StructField("contact", text), T.StructField("level", text), T.StructField("outcome", text),
        T.StructField("category", text), T.StructField("referral", T.BooleanType()), T.StructField("actions", texts),
        T.StructField("deadline", time), T.StructField("flags", texts), T.StructField("rules", texts),
        T.StructField("routing", text),
    ]
    if "recorded_outcome" in by_name or "override_reason" in by_name:  # SPEC 7.8, as decide_many adds them
        fields += [T.StructField(k, text) for k in ("override_outcome", "override_direction", "override_reason")]
    if reasons:
        reason = T.StructType([T.StructField(k, text) for k in ("kind", "id", "text", "at")])
        fields.append(T.StructField("reasons", T.ArrayType(reason, containsNull=True)))
    fields.append(T.StructField("error", text))
    if "child" in by_name:
        fields.append(T.StructField("child", by_name["child"].dataType))
    fields.append(T.StructField("received", time))
    if "source" in by_name:
        fields.append(T.StructField("source", by_name["source"].dataType))
    if "decided" in by_name and "decided" not in skip:
        fields.append(T.StructField("decided", time))
    if "recorded_outcome" in by_name:
        fields.append(T.StructField("recorded_outcome", by_name["recorded_outcome"].dataType))
    present = {f.name for f in fields}
    for name in keep:
        if name in _CARRIED and name in by_name:
            continue  # carried anyway
        if name in present or name in ("reasons", "error", "received", "decided"):
            raise ValueError(f"keep: {name!r} is a column of the decisions; rename the input column to keep it")
        if name not in by_name:
            raise ValueError(f"keep: the input has no column {name!r}")
        if name == ROW_COLUMN:
            raise ValueError(f"keep: {ROW_COLUMN!r} is reserved")
        fields.append(T.StructField(name, by_name[name].dataType))
        present.add(name)
    return T.StructType(fields)


def _arrow_schema(schema: "StructType", large: bool) -> "pa.Schema":
    from pyspark.sql.pandas.types import to_arrow_schema

    try:
        return to_arrow_schema(schema, timezone="UTC", prefers_large_types=large)
    except TypeError:  # pyspark 3.x: no keywords (timestamps are UTC microseconds there too)
        return to_arrow_schema(schema)


# --- the document on the executors ----------------------------------------------------------------

# Documents compiled in this Python process, by (sha256, path): a worker that Spark reuses for many
# tasks compiles each document once.
_COMPILED: dict[tuple[str, str], Document] = {}
_MAX_COMPILED = 8


def _document_on_worker(data: bytes, path: str, sha256: str) -> Document:
    key = (sha256, path)
    doc = _COMPILED.get(key)
    if doc is None:
        doc = _compiled(_core.compile_text(data, path))
        if doc.sha256 != sha256:  # pragma: no cover - the bytes are shipped as they are
            raise RuntimeError(f"frontdoor.spark: the document {path} compiled to sha256 {doc.sha256}, not {sha256}")
        if len(_COMPILED) >= _MAX_COMPILED:
            _COMPILED.clear()
        _COMPILED[key] = doc
    return doc


def _document_source(document: Union[Document, PathLike, None], text: Union[str, bytes, None]) -> tuple[bytes, str]:
    """The document's bytes and the path its positions name."""
    if text is not None:
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        if isinstance(document, Document):
            return data, document.path
        return data, os.fspath(document) if document is not None else "<string>"
    if document is None:
        raise TypeError("decide needs a document: a path, a frontdoor.Document or text=")
    if isinstance(document, Document):
        path = document.path
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise ValueError(f"frontdoor.spark ships a document as its text: cannot read {path!r} ({e.strerror or e}); "
                             "pass text= with its YAML") from None
        if hashlib.sha256(data).hexdigest() != document.sha256:
            raise ValueError(f"{path} has changed since this Document was loaded; load it again or pass text=")
        return data, path
    if not isinstance(document, (str, os.PathLike)):
        raise TypeError(f"a document is a path or a frontdoor.Document, not {type(document).__name__}")
    path = os.fspath(document)
    if not os.path.exists(path):
        raise FileNotFoundError(2, "No such file or directory", path)
    with open(path, "rb") as f:
        return f.read(), path


# --- deciding a partition -------------------------------------------------------------------------


class _Decider:
    """The function mapInArrow runs on each partition. A module-level class, so that it pickles by
    reference with only its fields (the document's bytes, the options, the output schema)."""

    def __init__(self, data: bytes, path: str, sha256: str, schema: "pa.Schema", *, child: Optional[str],
                 reasons: bool, ignore: list[str], threads: int, batch_rows: int, history: str = "decided") -> None:
        self.version = _core.__version__  # the driver's; the executors' must be the same
        self.data = data
        self.path = path
        self.sha256 = sha256
        self.schema = schema
        self.child = child
        self.reasons = reasons
        self.ignore = ignore
        self.threads = threads
        self.batch_rows = batch_rows
        self.history = history

    def __call__(self, batches: Iterator["pa.RecordBatch"]) -> Iterator["pa.RecordBatch"]:
        import pyarrow as pa

        if _core.__version__ != self.version:
            raise RuntimeError(f"frontdoor {_core.__version__} on this executor, {self.version} on the driver: "
                               "install the same frontdoor wheel on both, so that decisions are the same")
        doc = _document_on_worker(self.data, self.path, self.sha256)
        pending: list[Any] = []
        rows = 0
        for batch in batches:
            if batch.num_rows == 0:
                continue
            pending.append(batch)
            rows += batch.num_rows
            if rows < self.batch_rows:
                continue
            table = pa.Table.from_batches(pending)
            cut = self._last_child_starts(table)
            if cut == 0:
                continue  # one child so far: keep reading
            yield from self._decide(doc, table.slice(0, cut))
            rest = table.slice(cut)
            pending = rest.to_batches()
            rows = rest.num_rows
        if rows:
            yield from self._decide(doc, pa.Table.from_batches(pending))

    def _last_child_starts(self, table: "pa.Table") -> int:
        """Where the rows of the table's last child begin: that child's next rows may be in the
        partition's next batch, so they wait for it. The rows are sorted by child, nulls first;
        rows without a child have no history and may be cut anywhere."""
        import numpy as np
        import pyarrow.compute as pc

        n = table.num_rows
        if self.child is None:
            return n
        col = table.column(self.child)
        last = col[n - 1]
        if not last.is_valid:
            return n
        differs = pc.fill_null(pc.not_equal(col, last), True).to_numpy(zero_copy_only=False)
        at = np.flatnonzero(differs)
        return int(at[-1]) + 1 if at.size else 0

    def _decide(self, doc: Document, table: "pa.Table") -> Iterator["pa.RecordBatch"]:
        import pyarrow as pa

        out = doc.decide_many(table, reasons=self.reasons, progress=False, threads=self.threads, ignore=self.ignore,
                              history=self.history)
        names = set(out.column_names)
        arrays = []
        for field in self.schema:
            col = out.column(field.name) if field.name in names else table.column(field.name)
            if col.type != field.type:
                col = col.cast(field.type)  # dictionaries to strings, ms to Spark's us, large to plain strings
            arrays.append(col)
        result = pa.Table.from_arrays(arrays, schema=self.schema)
        yield from result.to_batches()


# --- the entry point ------------------------------------------------------------------------------


def decide(df: "DataFrame", document: Union[Document, PathLike, None] = None, *, text: Union[str, bytes, None] = None,
           partitions: Optional[int] = None, reasons: bool = False, ignore: Iterable[str] = (), keep: Sequence[str] = (),
           threads: int = 1, batch_rows: int = DEFAULT_BATCH_ROWS, history: str = "decided") -> "DataFrame":
    """Decide every row of a PySpark DataFrame of contacts; returns a PySpark DataFrame (lazy, like
    any transformation) with one row per input row and the schema `output_schema` gives.

    `document`: the threshold document's path (read here, on the driver) or a `frontdoor.Document`
    loaded from a file (its file is read again and must still match its sha256); or `text=` its
    YAML, with `document` then naming the path its positions show. It is compiled here first, so a
    document with errors raises `frontdoor.DocumentError` before any job starts.

    The rows are repartitioned by `child` (into `partitions`, default
    `spark.sql.shuffle.partitions`) so that each child's rows are decided together: history is
    exactly that of one `decide_many` over the whole frame. Without a `child` column no shuffle is
    needed. Rows come back grouped by partition, not in input order: join on `contact` (or a
    `keep` column) to line them up.

    `reasons`, `ignore`: as for `Document.decide_many`. `keep`: input columns to carry into the
    output (a column the document does not declare must also be in `ignore`, else every row is
    rejected, as on the command line). `threads`: decide_many's threads per Spark task (default
    1: Spark already runs one task per core). `batch_rows`: rows per decide_many call on an
    executor (a child's rows are never split between calls, so a child with more rows makes a
    bigger call). `history`: "decided" (default) or "recorded", as for `Document.decide_many`
    (SPEC 7.8: earlier rows count with their recorded outcome where they have one)."""
    from pyspark.sql import functions as F

    data, path = _document_source(document, text)
    doc = _compiled(_core.compile_text(data, path))  # fails here, on the driver, if the document has errors
    ignore = list(ignore)
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 0:
        raise ValueError("threads must be a whole number (0 for one per core of the executor)")
    if history not in ("decided", "recorded"):
        raise ValueError("history must be 'decided' or 'recorded'")
    if not isinstance(batch_rows, int) or isinstance(batch_rows, bool) or batch_rows < 1:
        raise ValueError("batch_rows must be a positive whole number")
    if partitions is not None and (not isinstance(partitions, int) or isinstance(partitions, bool) or partitions < 1):
        raise ValueError("partitions must be a positive whole number")
    columns = df.columns
    if ROW_COLUMN in columns:
        raise ValueError(f"the column name {ROW_COLUMN!r} is reserved by frontdoor.spark")
    schema = output_schema(df.schema, reasons=reasons, ignore=ignore, keep=keep)
    spark = df.sparkSession
    large = str(spark.conf.get("spark.sql.execution.arrow.useLargeVarTypes", "false")).lower() == "true"
    child = "child" if "child" in columns and "child" not in ignore else None
    if child is not None:
        # Each row's place in the input, so that a child's rows keep their input order (SPEC's tie
        # break) through the shuffle; then every child in one partition, its rows together.
        # Rows without a child have no history: spread them by row rather than send them all to
        # the one partition that null hashes to.
        df = df.withColumn(ROW_COLUMN, F.monotonically_increasing_id())
        key = F.coalesce(F.col(child).cast("string"), F.concat(F.lit("\u0000"), F.col(ROW_COLUMN).cast("string")))
        df = df.repartition(partitions, key) if partitions else df.repartition(key)
        df = df.sortWithinPartitions(child, ROW_COLUMN)  # rows without a child first
        ignore = ignore + [ROW_COLUMN]
    elif partitions:
        df = df.repartition(partitions)
    decider = _Decider(data, path, doc.sha256, _arrow_schema(schema, large), child=child, reasons=reasons,
                       ignore=ignore, threads=threads, batch_rows=batch_rows, history=history)
    return df.mapInArrow(decider, schema)


# --- a throughput run: python -m frontdoor.spark DOC CONTACTS ---------------------------------------


def _main(argv: Optional[Sequence[str]] = None) -> int:
    import argparse
    import time

    p = argparse.ArgumentParser(prog="python -m frontdoor.spark",
                                description="Decide a contacts file (CSV or Parquet) with Spark and report the throughput.")
    p.add_argument("document")
    p.add_argument("contacts")
    p.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    p.add_argument("--partitions", type=int, default=None, help="partitions of the shuffle by child")
    p.add_argument("--copies", type=int, default=1,
                   help="decide this many copies of the contacts, each with its own contact and child ids")
    p.add_argument("--repeat", type=int, default=2, help="runs to time (the first includes the JVM's and the workers' warm-up)")
    p.add_argument("-o", "--output", default=None, help="write the decisions as Parquet here (default: decide and discard)")
    a = p.parse_args(argv)

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = (SparkSession.builder.master(a.master).appName("frontdoor.spark")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", str(a.partitions or 8)).getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        if a.contacts.endswith(".parquet"):
            df = spark.read.parquet(a.contacts)
        else:  # every cell as text, an empty one missing: as `frontdoor decide` reads CSV
            df = spark.read.csv(a.contacts, header=True, inferSchema=False)
        if a.copies > 1:
            copy = spark.range(a.copies).withColumnRenamed("id", "__copy")
            df = df.crossJoin(copy)
            for c in ("id", "child"):
                if c in df.columns:
                    df = df.withColumn(c, F.concat(F.col(c), F.lit("#"), F.col("__copy").cast("string")))  # null stays null
            df = df.drop("__copy")
        df = df.cache()
        rows = df.count()
        out = decide(df, a.document, partitions=a.partitions)
        for run in range(1, max(1, a.repeat) + 1):
            start = time.perf_counter()
            if a.output:
                out.write.mode("overwrite").parquet(a.output)
            else:
                out.write.format("noop").mode("overwrite").save()
            seconds = time.perf_counter() - start
            print(f"run {run}: {rows} contacts decided in {seconds:.2f} s: {rows / seconds:,.0f} rows/s "
                  f"(master {a.master}, {out.rdd.getNumPartitions()} partitions)", flush=True)
        rejected = out.filter(F.col("error").isNotNull()).count()
        print(f"{rejected} rows rejected (each kept, with its error)")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main())
