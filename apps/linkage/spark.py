"""splink's Spark backend for duplicate detection past one machine
(KOLDOO_LINKAGE_BACKEND=spark; docs/decisions/0036-linkage-on-spark.md).

`api()` gives the engine a `splink.SparkAPI` on a SparkSession built once per process:
`KOLDOO_SPARK_MASTER` (default `local[2]`, or a cluster's `spark://host:7077`, `yarn`,
`k8s://...`); anything else comes from Spark's own configuration (SPARK_CONF_DIR,
spark-defaults.conf). PySpark is not a requirement of the product: it comes from
requirements-spark.txt, and this module is imported only when Spark is chosen.

Privacy: the records handed to splink are decrypted. This module keeps them off disk
as far as Spark allows:
- splink's intermediate tables are kept with `persist()`, not written as parquet files
  (splink's default outside Databricks) nor checkpointed;
- `spark.io.encryption.enabled`: what Spark still writes (shuffle files, cached blocks
  spilled from memory, data sent from Python to the JVM) is encrypted with a key that
  lives only in the application's memory;
- `spark.local.dir`, where those files go, is on a memory file system (/dev/shm,
  `KOLDOO_SPARK_LOCAL_DIR`) on the machine that runs a local Spark; on a cluster the
  workers' own SPARK_LOCAL_DIRS apply (docs/operations.md);
- a run's cached tables and views are dropped when the run's objects are released.
"""

import atexit
import contextlib
import os
import shutil
import sys
import tempfile
import threading
import weakref

from pyspark.sql import SparkSession
from pyspark.sql.types import DoubleType
from splink import SparkAPI
from splink.backends.spark import similarity_jar_location

DEFAULT_MASTER = "local[2]"
# A memory file system where there is one: files Spark must write stay in RAM.
MEMORY_FS = "/dev/shm"  # noqa: S108 - a private directory is made in it (_local_dir)

# The engine's SQL is DuckDB's: splink translates it to Spark SQL with sqlglot, which
# spells DuckDB's jaro_winkler_similarity as JAROWINKLER_SIMILARITY. Both names are
# given the Jaro-Winkler of the jar splink ships (damerau_levenshtein has its own name).
UDF_ALIASES = [
    ("jarowinkler_similarity", "uk.gov.moj.dash.linkage.JaroWinklerSimilarity"),
    ("jaro_winkler_similarity", "uk.gov.moj.dash.linkage.JaroWinklerSimilarity"),
]

_session = None
_lock = threading.Lock()


def master() -> str:
    return os.environ.get("KOLDOO_SPARK_MASTER") or DEFAULT_MASTER


def session() -> SparkSession:
    """The process's SparkSession, built on first use with the settings above."""
    global _session
    with _lock:
        if _session is None:
            _session = _build_session()
        return _session


def _local_dir() -> str:
    """A directory of this process's own (mode 0700, a name no one can guess) in
    KOLDOO_SPARK_LOCAL_DIR or the memory file system, removed at exit."""
    parent = os.environ.get("KOLDOO_SPARK_LOCAL_DIR") or (
        MEMORY_FS if os.path.isdir(MEMORY_FS) else tempfile.gettempdir()
    )
    path = tempfile.mkdtemp(prefix="koldoo-spark-", dir=parent)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _build_session() -> SparkSession:
    url = master()
    local_dir = _local_dir()
    if url.startswith("local"):
        # Python and the JVM on this machine use this interpreter (no Python UDFs run,
        # but PySpark checks the workers' version against the driver's).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(url)
        .appName("koldoo-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.io.encryption.enabled", "true")
        # Executors, driver and shuffle service authenticate and encrypt what they
        # send each other (the names travel between machines of a cluster); a local
        # Spark makes up its own secret, a standalone cluster needs
        # spark.authenticate.secret in its spark-defaults.conf.
        .config("spark.authenticate", "true")
        .config("spark.network.crypto.enabled", "true")
        .config("spark.local.dir", local_dir)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.eventLog.enabled", "false")
        .config("spark.sql.catalogImplementation", "in-memory")
        # Spark makes this directory at start even when no table is saved: not in the
        # working directory.
        .config("spark.sql.warehouse.dir", os.path.join(local_dir, "warehouse"))
    )
    if url.startswith("local"):
        # Spark's 200 shuffle partitions are meant for clusters; a few suit one machine.
        builder = builder.config("spark.sql.shuffle.partitions", "8")
        # Here the driver is the executor: Spark's 1 GB heap ran out at 100,000 records.
        builder = builder.config(
            "spark.driver.memory", os.environ.get("KOLDOO_SPARK_DRIVER_MEMORY") or "4g"
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _release(spark, views, frames):
    # The session may already be stopped (the process ending): nothing left to drop.
    for frame in frames:
        with contextlib.suppress(Exception):
            frame.unpersist(blocking=False)
    for view in views:
        with contextlib.suppress(Exception):
            spark.catalog.dropTempView(view)


class LinkageSparkAPI(SparkAPI):
    """splink's SparkAPI keeping intermediate tables in memory (persisted, never
    written as files) and dropping them when the run is over."""

    def __init__(self, spark_session):
        super().__init__(spark_session=spark_session, break_lineage_method="persist")
        for name, java_class in UDF_ALIASES:
            self.spark.udf.registerJavaFunction(name, java_class, DoubleType())
        # splink copies small results (counts, and the pairs the engine reads) into a
        # DuckDB of its own beside Spark: in memory, no spilling, as engine._db_api's.
        self.duckdb_con.execute("SET temp_directory = ''")
        self.duckdb_con.execute("SET enable_external_access = false")
        self._views: set[str] = set()
        self._frames: list = []
        self._finalizer = weakref.finalize(self, _release, self.spark, self._views, self._frames)

    def _table_registration(self, input, table_name):
        super()._table_registration(input, table_name)
        self._views.add(table_name)

    def _break_lineage_and_repartition(self, spark_df, templated_name, physical_name):
        spark_df = super()._break_lineage_and_repartition(spark_df, templated_name, physical_name)
        if spark_df.is_cached:
            self._frames.append(spark_df)
        self._views.add(physical_name)
        return spark_df

    def close(self):
        """Drop this run's cached tables and views now."""
        self._finalizer()


def api() -> LinkageSparkAPI:
    """A splink database API for one linkage run on Spark, in a session of its own:
    splink names its tables alike in every run (`__splink__input_table_0`), and a
    session's temporary views are its own."""
    return LinkageSparkAPI(session().newSession())
