"""The curated public namespace (twosector/__init__.py).

What `dir()` shows, lazy loading, names that stay the functions they name.
"""

import inspect
import pkgutil
import subprocess
import sys

import pytest

import twosector

SUBMODULES = {m.name for m in pkgutil.iter_modules(twosector.__path__)} - {"__main__"}


def test_dir_shows_the_public_names_and_the_submodules_only():
    shown = dir(twosector)
    assert shown == sorted(set(twosector.__all__) | SUBMODULES)
    assert [n for n in shown if n.startswith("_")] == ["__version__"]
    for name in shown:  # every name resolves; the modules among them are the package's own
        obj = getattr(twosector, name)
        if inspect.ismodule(obj):
            assert obj.__name__ == f"twosector.{name}"
    assert {"annotations", "importlib", "pkgutil", "functools", "Any"}.isdisjoint(shown)


def test_public_names_stay_the_functions_they_name_after_every_submodule_is_imported():
    # a fresh interpreter: import every submodule first (as a notebook might), then use the public names; a
    # submodule named like a function (twosector.simulation vs simulate) must never shadow it
    code = (
        "import importlib, inspect, twosector as ts\n"
        f"for m in {sorted(SUBMODULES)!r}:\n"
        "    importlib.import_module('twosector.' + m)\n"
        "for name, module in ts._API.items():\n"
        "    obj = getattr(ts, name)\n"
        "    assert not inspect.ismodule(obj) and callable(obj), name\n"
        "    assert obj is getattr(importlib.import_module(module), name), name\n"
        "assert type(ts.estimate(end='2023Q4')).__name__ == 'Estimates'\n"
        "assert ts.simulate('baseline').equals(ts.simulation.simulate('baseline'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'simulat'"):
        twosector.simulat  # noqa: B018


def test_import_is_light():
    # statsmodels and plotly load only when a function that needs them is used
    code = "import sys, twosector; print('statsmodels' in sys.modules, 'plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
