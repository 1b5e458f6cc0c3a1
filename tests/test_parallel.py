"""Tests of the engines: results in the order of the chunks, whatever ran them; clear errors for a bad cluster."""

from __future__ import annotations

import contextlib
import http.server
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from twosector import parallel
from twosector.errors import TwosectorError


def slow_square(offset: int, value: int, wait: float) -> int:
    time.sleep(wait)
    return offset + value * value


def test_results_come_back_in_the_order_of_the_chunks_on_every_engine() -> None:
    # the first chunk is the slowest, so Dask finishes the chunks out of order
    chunks = [{"value": v, "wait": 0.3 if v == 0 else 0.0} for v in range(5)]
    for engine in parallel.ENGINES:
        done: list[int] = []
        got = parallel.map_chunks(slow_square, {"offset": 10}, chunks, engine=engine, progress=done.append,
                                  sizes=[1, 2, 3, 4, 5])
        assert got == [10, 11, 14, 19, 26], engine
        assert sorted(done) == [1, 2, 3, 4, 5]
        taken: dict[int, int] = {}  # with collect, each result is handed over once and not kept
        kept = parallel.map_chunks(slow_square, {"offset": 10}, chunks, engine=engine, collect=taken.__setitem__)
        assert kept == [None] * 5 and taken == dict(enumerate([10, 11, 14, 19, 26])), engine


def test_an_unreachable_scheduler_is_one_error_naming_it(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT", 1)
    with pytest.raises(TwosectorError, match=r"scheduler: cannot connect to 'tcp://127\.0\.0\.1:9' within 1 s"):
        parallel.map_chunks(slow_square, {"offset": 0}, [{"value": 1, "wait": 0}], engine="dask",
                            scheduler="tcp://127.0.0.1:9")


class Silent(socketserver.BaseRequestHandler):
    """Accepts a connection and never answers (as a web server waiting for a request's end may)."""

    def handle(self) -> None:
        time.sleep(5)


class Web(http.server.BaseHTTPRequestHandler):
    """Answers every request with 501, the reply to a Dask handshake too; logs nothing."""

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(params=["http", "silent"])
def not_a_scheduler(request) -> Iterator[str]:
    """The address of a loopback server that answers but is no Dask scheduler."""
    handler = Web if request.param == "http" else Silent
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_server_that_is_no_scheduler_is_one_error_within_the_timeout(not_a_scheduler, monkeypatch) -> None:
    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT", 1)
    start = time.monotonic()
    with pytest.raises(TwosectorError) as err:
        parallel.map_chunks(slow_square, {"offset": 0}, [{"value": 1, "wait": 0}], engine="dask",
                            scheduler=not_a_scheduler)
    assert str(err.value) == (
        f"scheduler: {not_a_scheduler!r} did not answer as a Dask scheduler within 1 s (is it another service, or a "
        "scheduler's dashboard port?); allowed: the address of a running Dask scheduler, e.g. tcp://host:8786")
    assert time.monotonic() - start < 5


def test_the_ensemble_commands_refuse_a_server_that_is_no_scheduler(not_a_scheduler, monkeypatch, capsys) -> None:
    from twosector.cli import main

    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT", 1)
    argv = ["sweep", "oil_price_cap", "--intensity", "0.5", "--outputs", "strain_index", "--engine", "dask",
            "--scheduler", not_a_scheduler]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "did not answer as a Dask scheduler" in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_scheduler_without_workers_is_one_error_saying_how_to_start_one(monkeypatch) -> None:
    import distributed

    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT", 1)
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster:
        for scheduler in (cluster.scheduler_address, "client"):
            with contextlib.ExitStack() as stack:
                if scheduler == "client":
                    scheduler = stack.enter_context(distributed.Client(cluster))
                with pytest.raises(TwosectorError) as err:
                    parallel.map_chunks(slow_square, {"offset": 0}, [{"value": 1, "wait": 0}], engine="dask",
                                        scheduler=scheduler)
            assert str(err.value) == (
                f"scheduler: {cluster.scheduler_address!r} has no workers (none joined within 1 s); allowed: a "
                f"scheduler with at least one worker: start one with `dask worker {cluster.scheduler_address}`")
        cluster.scale(1)  # once a worker joins, the same address runs the chunks
        got = parallel.map_chunks(slow_square, {"offset": 1}, [{"value": 2, "wait": 0}], engine="dask",
                                  scheduler=cluster.scheduler_address)
        assert got == [5]


@pytest.mark.parametrize(("engine", "scheduler", "words"), [
    ("daks", None, ["engine", "Did you mean 'dask'"]),
    ("local", "tcp://127.0.0.1:8786", ["only used with engine='dask'"]),
    ("dask", 8786, ["scheduler", "int", "tcp://host:port"]),
])
def test_bad_engines_and_schedulers_are_named(engine, scheduler, words) -> None:
    with pytest.raises(TwosectorError) as err:
        parallel.check_engine(engine, scheduler)
    assert all(w in str(err.value) for w in words), str(err.value)


def failing(offset: int, value: int) -> int:
    raise ValueError(f"chunk {offset + value} failed")


@pytest.mark.parametrize("stop", ["error", "interrupt"])
def test_the_default_cluster_is_closed_when_a_chunk_fails_or_the_user_interrupts(stop, monkeypatch) -> None:
    import distributed

    started: list = []

    class Recorded(distributed.LocalCluster):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(distributed, "LocalCluster", Recorded)

    def interrupt(size: int) -> None:  # Ctrl-C lands in the main thread, where the results are collected
        raise KeyboardInterrupt

    if stop == "error":
        with pytest.raises(ValueError, match="chunk 1 failed"):
            parallel.map_chunks(failing, {"offset": 0}, [{"value": 1}], engine="dask")
    else:
        with pytest.raises(KeyboardInterrupt):
            parallel.map_chunks(slow_square, {"offset": 0}, [{"value": 1, "wait": 0}] * 3, engine="dask",
                                progress=interrupt)
    assert len(started) == 1 and started[0].status.name == "closed"  # no cluster left running
    # the cluster's own table of workers, not ``scheduler_info``: a snapshot that may still list them once closed
    assert not started[0].workers
