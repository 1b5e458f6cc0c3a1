"""Where the chunks of an ensemble run: in this process (``local``) or on a Dask ``distributed`` cluster (``dask``).

A Monte Carlo, a sensitivity analysis and a sweep each cut their work into chunks, every chunk a call of one
top-level function with the inputs all chunks share and the inputs of its own. :func:`map_chunks` runs them and
returns the results in the order of the chunks, so the numbers never depend on the engine (nor on which worker
ran a chunk, nor when): each chunk's random numbers are fixed by its position before it runs.

- ``local`` (the default): one chunk after the other, the vectorised numpy engine in this process.
- ``dask``: the chunks are submitted to a ``distributed`` client; the shared inputs are scattered to every
  worker once. Without a scheduler address a ``LocalCluster`` is started for the call (:data:`LOCAL_WORKERS`
  workers with one thread each, in this process) and closed afterwards, also when a chunk fails or the user
  interrupts (Ctrl-C). With ``scheduler="tcp://host:8786"`` the chunks run on that cluster (its workers need
  twosector installed, in the same version); a ``distributed.Client`` may be given instead of an address (e.g.
  one of a ``LocalCluster`` with processes, started once and kept warm), and is left open. Within
  :data:`CONNECT_TIMEOUT` seconds a Dask scheduler must answer at the address (not another service) and a worker
  must have joined the cluster, else one :class:`TwosectorError` says which.

Why threads by default: a cluster of worker processes started for the call pays for new Python processes that
import twosector and load the data and the risk models before their first chunk, 10-20 s on the 2-core
development machine, and Dask starts them with ``spawn``, which re-imports the caller's script (a script
without an ``if __name__ == "__main__":`` guard would fail). Measured there (``benchmarks/bench_dask.py``,
``input_sanctions``, 4 variables, other work on the machine): 20,000 draws, local 3.0 s, threads 4.2 s (0.71x),
processes started in the call 28.5 s (0.10x); 100,000 draws, local 22.1 s, threads 19.1 s (1.16x), processes
31.6 s (0.70x). A process cluster started beforehand and passed as ``scheduler=client`` is the fast choice for
repeated or long runs (1.36x in the review of issue 12).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import numbers
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from twosector.errors import TwosectorError, unknown_name

__all__ = ["ENGINES", "LOCAL_WORKERS", "map_chunks", "check_engine", "check_count", "available_memory"]

ENGINES = ("local", "dask")
#: workers of the LocalCluster started when engine="dask" has no scheduler
LOCAL_WORKERS = 2
#: seconds to wait for a scheduler given by its address
CONNECT_TIMEOUT = 10


def check_engine(engine: object, scheduler: object = None) -> str:
    """Validate an engine name and its scheduler.

    Parameters
    ----------
    engine : str
        One of :data:`ENGINES`.
    scheduler : str, distributed.Client or None
        Only with ``engine="dask"``: a scheduler address (``"tcp://host:port"``) or a client.

    Returns
    -------
    str
        The engine.

    Raises
    ------
    TwosectorError
        For an unknown engine (with a did-you-mean), a scheduler with the local engine, or a scheduler that is
        neither an address nor a client.
    """
    if engine not in ENGINES:
        raise TwosectorError(f"engine: {unknown_name('engine', str(engine), ENGINES)}")
    if scheduler is not None:
        if engine != "dask":
            raise TwosectorError(f"scheduler: {scheduler!r} is only used with engine='dask' (engine is {engine!r})")
        if isinstance(scheduler, str):
            if "://" not in scheduler:
                raise TwosectorError(f"scheduler: {scheduler!r} is not an address; allowed: 'tcp://host:port' "
                                     "(the address a dask scheduler prints)")
        elif type(scheduler).__name__ != "Client":
            raise TwosectorError(f"scheduler: {type(scheduler).__name__} is not supported; allowed: an address "
                                 "'tcp://host:port' or a distributed.Client")
    return str(engine)


def available_memory() -> int:
    """Bytes of memory available to a new allocation now (free plus reclaimable; psutil), for size checks.

    Returns
    -------
    int
        Bytes.

    Raises
    ------
    Nothing of its own.
    """
    import psutil

    return int(psutil.virtual_memory().available)


def check_count(value: object, field: str, least: int = 1) -> int:
    """Validate a count of an ensemble (draws, runs, a chunk size, a seed).

    Parameters
    ----------
    value : object
        The value given.
    field : str
        Its name, for the message.
    least : int, default 1
        The smallest allowed value (0 for a seed).

    Returns
    -------
    int

    Raises
    ------
    TwosectorError
        For anything but an integer (not a bool) of at least ``least``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
        allowed = "a positive integer" if least == 1 else "a non-negative integer" if least == 0 else \
            f"an integer >= {least}"
        raise TwosectorError(f"{field}: {value!r} is not allowed; allowed: {allowed}")
    return int(value)


@contextlib.contextmanager
def _client(scheduler: Any) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - a dependency of the package
        raise TwosectorError("engine: 'dask' needs the distributed package: pip install 'dask[distributed]'") from None
    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler  # the caller's client: left open
        return
    if scheduler is None:
        # the dashboard on a free port: the default 8787 may be taken by another cluster (a second call at once)
        with LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=False, dashboard_address=":0") \
                as cluster, Client(cluster) as client:
            yield client
        return
    _check_scheduler(scheduler)
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise TwosectorError(f"scheduler: cannot connect to {scheduler!r} within {CONNECT_TIMEOUT} s "
                             f"({type(exc).__name__}: {exc}); start one with `dask scheduler` or leave it out for "
                             "a local cluster") from None
    with client:
        yield client


def _check_scheduler(address: str) -> None:
    """Raise a TwosectorError unless a Dask scheduler answers at ``address`` within :data:`CONNECT_TIMEOUT`.

    ``distributed.Client`` alone may hang for minutes on a server that accepts the connection but is no Dask
    scheduler (a web server, a scheduler's dashboard port), or fail deep in its protocol (reading an HTTP reply as
    the length of a message: "Unable to allocate 3.07 EiB"). Only ``tcp://`` addresses are probed: ``tls://``
    needs the certificates of the Dask configuration, which the client applies, so it is left to the client.
    """
    from distributed.comm import connect, parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        host_port = parse_host_port(location) if scheme == "tcp" else None
    except ValueError:
        raise TwosectorError(f"scheduler: {address!r} is not an address; allowed: 'tcp://host:port' (the address a "
                             "dask scheduler prints)") from None
    if host_port is None:
        return
    try:
        socket.create_connection(host_port, timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise TwosectorError(f"scheduler: cannot connect to {address!r} within {CONNECT_TIMEOUT} s "
                             f"({type(exc).__name__}: {exc}); start one with `dask scheduler` or leave it out "
                             "for a local cluster") from None

    async def identity() -> Any:
        comm = await connect(address, timeout=CONNECT_TIMEOUT)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    # in a thread with its own event loop: the caller's (a notebook's) may be running
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        try:
            answer = pool.submit(asyncio.run, asyncio.wait_for(identity(), CONNECT_TIMEOUT)).result()
        except Exception:  # whatever went wrong, it was no Dask scheduler's answer
            answer = None
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise TwosectorError(f"scheduler: {address!r} did not answer as a Dask scheduler within {CONNECT_TIMEOUT} s "
                             "(is it another service, or a scheduler's dashboard port?); allowed: the address of a "
                             "running Dask scheduler, e.g. tcp://host:8786")


def map_chunks(
    function: Callable[..., Any],
    shared: Mapping[str, Any],
    chunks: Sequence[Mapping[str, Any]],
    *,
    engine: str = "local",
    scheduler: Any = None,
    progress: Callable[[int], Any] | None = None,
    sizes: Sequence[int] | None = None,
    collect: Callable[[int, Any], Any] | None = None,
) -> list[Any]:
    """Run ``function(**shared, **chunk)`` for every chunk and return the results in the order of the chunks.

    Parameters
    ----------
    function : callable
        A module-level function (a Dask worker imports it by name).
    shared : mapping
        Keyword arguments common to all chunks (sent to each Dask worker once).
    chunks : sequence of mappings
        Keyword arguments of each chunk.
    engine : {"local", "dask"}, default "local"
        See the module's documentation.
    scheduler : str or distributed.Client, optional
        With ``engine="dask"``: the cluster (default: a LocalCluster for the call).
    progress : callable, optional
        Called with ``sizes[i]`` when chunk ``i`` is done (in the order of completion).
    sizes : sequence of int, optional
        The work of each chunk reported to ``progress`` (default 1 each).
    collect : callable, optional
        Called as ``collect(i, result)`` when chunk ``i`` is done; the result is then not kept (a caller that
        stores each chunk where it belongs needs memory for one chunk's result at a time, not all of them).

    Returns
    -------
    list
        ``function``'s result for each chunk, in the order of ``chunks`` (``None`` each with ``collect``).

    Raises
    ------
    TwosectorError
        For a bad engine or scheduler (:func:`check_engine`), a scheduler that cannot be reached, an address
        where something else than a Dask scheduler answers, or a scheduler without workers (each within
        :data:`CONNECT_TIMEOUT` seconds).
    Exception
        Whatever ``function`` raises (re-raised from the worker with ``engine="dask"``).
    """
    check_engine(engine, scheduler)
    weight = list(sizes) if sizes is not None else [1] * len(chunks)
    if engine == "local":
        out: list[Any] = []
        for i, (chunk, size) in enumerate(zip(chunks, weight, strict=True)):
            result = function(**shared, **chunk)
            out.append(_keep(collect, i, result))
            if progress is not None:
                progress(size)
        return out
    from distributed import as_completed

    with _client(scheduler) as client:
        _check_workers(client)
        names = list(shared)
        scattered = dict(zip(names, client.scatter([shared[k] for k in names], broadcast=True), strict=True))
        futures = [client.submit(function, pure=False, **scattered, **chunk) for chunk in chunks]
        position = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(futures)
        for future in as_completed(futures):
            i = position[future.key]
            results[i] = _keep(collect, i, future.result())
            future.release()  # the cluster may drop it once collected
            if progress is not None:
                progress(weight[i])
        return results


def _check_workers(client: Any) -> None:
    """Raise a TwosectorError unless a worker joins the client's cluster within :data:`CONNECT_TIMEOUT`."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except TimeoutError:
        address = client.scheduler.address
        raise TwosectorError(f"scheduler: {address!r} has no workers (none joined within {CONNECT_TIMEOUT} s); "
                             f"allowed: a scheduler with at least one worker: start one with `dask worker {address}`"
                             ) from None


def _keep(collect: Callable[[int, Any], Any] | None, i: int, result: Any) -> Any:
    """The result to keep for chunk ``i``: itself, or None once ``collect`` has taken it."""
    if collect is None:
        return result
    collect(i, result)
    return None
