"""The curated public namespace: every name resolves to what it says, with a numpydoc docstring."""

import importlib
import inspect
import subprocess
import sys

import twosector


def test_public_names_stay_functions_after_every_submodule_is_imported():
    for module in sorted(twosector._SUBMODULES):
        importlib.import_module(f"twosector.{module}")
    for name in twosector._API:
        obj = getattr(twosector, name)
        assert not inspect.ismodule(obj), f"twosector.{name} is shadowed by a module"
        assert callable(obj), name


def test_every_public_function_has_a_numpydoc_docstring():
    for name in twosector._API:
        obj = getattr(twosector, name)
        doc = inspect.getdoc(obj) or ""
        assert len(doc.splitlines()) >= 3, f"twosector.{name} has no real docstring"
        params = [p for p in inspect.signature(obj).parameters if p not in ("self", "args", "kwargs")]
        if params and not inspect.isclass(obj):
            assert "Parameters\n----------" in doc, f"twosector.{name}: no numpydoc Parameters section"


def test_import_is_light():
    # statsmodels and plotly load only when a function that needs them is used
    code = "import sys, twosector; print('statsmodels' in sys.modules, 'plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
