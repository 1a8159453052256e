"""A Spark Connect server in a JVM of its own, as a cluster runs one: the closest this machine
comes to a real cluster. The pipeline reaches it through pyspark's own `SPARK_REMOTE`
(docs/SPARK.md); its metastore and warehouse are the server's, not the client's."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def connect_server(folder: Path, timeout: float = 180) -> Iterator[str]:
    """Start the server (metastore, warehouse, scratch and log in `folder`); yield its
    `sc://localhost:<port>`; stop it afterwards."""
    import pyspark

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    home = Path(pyspark.__file__).parent
    port = _free_port()
    cmd = [
        str(home / "bin" / "spark-submit"),
        "--master",
        "local[2]",
        "--driver-memory",
        "3g",
        "--class",
        SERVER_CLASS,
        "--name",
        "zwfw test Spark Connect server",
        "--conf",
        f"spark.connect.grpc.binding.port={port}",
        "--conf",
        "spark.sql.catalogImplementation=hive",
        "--conf",
        f"spark.sql.warehouse.dir={folder / 'warehouse'}",
        "--conf",
        f"spark.local.dir={folder / 'tmp'}",
        "--conf",
        "spark.ui.enabled=false",
        "--driver-java-options",
        f"-Dderby.system.home={folder / 'derby'}",
    ]
    log = (folder / "server.log").open("w")
    env = {k: v for k, v in os.environ.items() if k != "SPARK_REMOTE"}
    server = subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, env={**env, "SPARK_HOME": str(home)}, start_new_session=True
    )
    try:
        deadline = time.monotonic() + timeout
        while not _listening(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the Spark Connect server did not start (exit {server.poll()}):\n"
                    + (folder / "server.log").read_text()[-3000:]
                )
            time.sleep(1)
        yield f"sc://localhost:{port}"
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
