"""Notebook set-up and strict parameter validation (in-process; the executed notebooks are in test_notebooks.py)."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
import pytest

from twosector import charts
from twosector.errors import ParameterError, TwosectorError
from twosector.notebook import injected_names, setup_notebook, validate_notebook_params


def namespace(**extra):
    """What globals() looks like after a parameters cell `scenario: str`, `end: str`, `draws: int`, `scale: float`."""
    ns = {
        "__annotations__": {"scenario": str, "end": str, "draws": int, "scale": float, "save_figures": bool},
        "scenario": "broad_front", "end": "2030Q4", "draws": 10, "scale": 1.5, "save_figures": False,
        "In": [""],  # IPython's input history
    }
    ns.update(extra)
    return ns


def test_valid_parameters_are_returned_in_declaration_order():
    values = validate_notebook_params(namespace(), quarters=["end"])
    assert list(values) == ["scenario", "end", "draws", "scale", "save_figures"]
    assert values["scenario"] == "broad_front"


def test_unknown_injected_parameter_is_named_with_did_you_mean():
    with pytest.raises(ParameterError) as err:
        validate_notebook_params(namespace(scenaro="x"), injected=["scenaro"])
    message = str(err.value)
    assert "'scenaro'" in message and "Did you mean 'scenario'" in message
    assert "draws" in message  # lists the notebook's parameters


def test_unknown_parameter_is_read_from_papermill_injected_cell_in_history():
    history = ["", "scenario: str = 'a'", "# Parameters\nscenario = \"b\"\nendd = \"2027Q4\"\n", "import twosector"]
    assert injected_names(history) == ["scenario", "endd"]
    with pytest.raises(ParameterError, match="unknown notebook parameter 'endd'. Did you mean 'end'"):
        validate_notebook_params(namespace(In=history, endd="2027Q4"))


def test_the_paths_papermill_injects_itself_are_not_unknown_parameters():
    # `papermill --inject-paths` adds these two names to the injected cell (papermill/cli.py)
    history = ["", "# Parameters\nscenario = \"b\"\nPAPERMILL_INPUT_PATH = \"in.ipynb\"\n"
               "PAPERMILL_OUTPUT_PATH = \"out.ipynb\"\n"]
    values = validate_notebook_params(namespace(In=history, PAPERMILL_INPUT_PATH="in.ipynb",
                                                PAPERMILL_OUTPUT_PATH="out.ipynb"))
    assert "PAPERMILL_INPUT_PATH" not in values
    # a near-miss of a reserved name is still an unknown parameter
    with pytest.raises(ParameterError, match="unknown notebook parameter 'PAPERMILL_INPUT'"):
        validate_notebook_params(namespace(PAPERMILL_INPUT="x"), injected=["PAPERMILL_INPUT"])


def test_names_defined_by_later_cells_are_not_parameters():
    # re-running the validation cell interactively after the whole notebook: no injected cell, no error
    validate_notebook_params(namespace(fig=object(), result_table="x"))
    assert injected_names(["x = 1", "import pandas"]) is None


def test_the_latest_injected_cell_counts():
    history = ["# Parameters\nbogus = 1\n", "# Parameters\nscenario = 'a'\n"]
    assert injected_names(history) == ["scenario"]


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("draws", "10", "must be of type int"),
        ("draws", True, "must be of type int"),
        ("scale", "1.5", "must be of type float"),
        ("save_figures", 1, "must be of type bool"),
        ("scale", float("nan"), "finite"),
    ],
)
def test_wrong_types_are_rejected(name, value, expected):
    with pytest.raises(ParameterError, match=expected) as err:
        validate_notebook_params(namespace(**{name: value}))
    assert repr(name) in str(err.value)


def test_int_is_accepted_for_float():
    assert validate_notebook_params(namespace(scale=2))["scale"] == 2


def test_optional_annotations():
    ns = {"__annotations__": {"cut": float | None}, "cut": None}
    assert validate_notebook_params(ns) == {"cut": None}
    with pytest.raises(ParameterError, match="float | None"):
        validate_notebook_params(dict(ns, cut="x"))


def test_ranges_choices_and_quarters():
    with pytest.raises(ParameterError, match=r"'draws' = 0 is out of range; allowed: \[1, 1000\]"):
        validate_notebook_params(namespace(draws=0), ranges={"draws": (1, 1000)})
    validate_notebook_params(namespace(draws=1000), ranges={"draws": (1, 1000)})
    with pytest.raises(ParameterError, match="Did you mean 'broad_front'"):
        validate_notebook_params(namespace(scenario="broad_frnt"), choices={"scenario": ["broad_front", "baseline"]})
    with pytest.raises(ParameterError, match="^notebook parameter 'end': '2027' is a year; did you mean '2027Q4'[?]$"):
        validate_notebook_params(namespace(end="2027"), quarters=["end"])
    for bad in ("2027Q5", "Q4 2027", "soon"):
        with pytest.raises(ParameterError, match="not a quarter"):
            validate_notebook_params(namespace(end=bad), quarters=["end"])
    validate_notebook_params(namespace(end=""), quarters=["end"])


@pytest.mark.parametrize(("name", "quarter"), [("end", "2030Q4"), ("start", "2030Q1")])
def test_a_bare_year_of_papermill_is_the_year_message_not_a_type_error(name, quarter):
    # `-p end 2030` and a grid's `end = 2030` give an int, not the text "2030"
    ns = {"__annotations__": {name: str}, name: 2030}
    with pytest.raises(ParameterError) as exc:
        validate_notebook_params(ns, injected=[name], quarters=[name])
    assert str(exc.value) == f"notebook parameter {name!r}: '2030' is a year; did you mean {quarter!r}?"
    with pytest.raises(ParameterError, match=r"must be of type str, got 2030 \(int\)"):
        validate_notebook_params(ns, injected=[name])  # not a quarter: the type error as before


def test_a_notebook_without_typed_parameters_is_an_error():
    with pytest.raises(TwosectorError, match="declares no parameters"):
        validate_notebook_params({"scenario": "a"})


def test_setup_notebook_sets_offline_renderer_and_template(monkeypatch):
    monkeypatch.delenv("PLOTLY_RENDERER", raising=False)
    old = (pio.renderers.default, pio.templates.default)
    try:
        assert setup_notebook() == "plotly_mimetype+notebook"
        assert pio.templates.default == charts.TEMPLATE
        monkeypatch.setenv("PLOTLY_RENDERER", "json")
        assert setup_notebook() == "json"
        with pytest.raises(TwosectorError, match="unknown plotly renderer 'notebok'"):
            charts.set_renderer("notebok")
        # tables of mixed magnitudes print in fixed point (they printed -2.49e-01 and 0.00e+00 next to 1,234.5)
        text = pd.DataFrame({"a": [-0.249, 0.0, 1234.5]}).to_string()
        assert "e-01" not in text and "e+00" not in text and "-0.25" in text and "1,234.50" in text
    finally:
        pio.renderers.default, pio.templates.default = old
        for option in ("display.precision", "display.max_columns", "display.max_rows", "display.width",
                       "display.float_format", "display.max_colwidth"):
            pd.reset_option(option)


def test_a_dict_parameter_given_as_text_points_at_papermill_y_and_f():
    namespace = {"__annotations__": {"levers": dict}, "levers": '{"oil_price_cap": {"intensity": 10}}'}
    with pytest.raises(ParameterError, match=r"must be of type dict, got .*\(str\)\. papermill's -p passes text: "
                                             r"give a dict with -y, e\.g\. -y 'levers: .* -f params\.yaml"):
        validate_notebook_params(namespace, injected=["levers"])
    with pytest.raises(ParameterError) as plain:  # other types get no such hint
        validate_notebook_params({"__annotations__": {"ramp": int}, "ramp": "4"}, injected=[])
    assert "papermill" not in str(plain.value)


def test_custom_packages_get_their_name_and_description():
    from twosector.notebook import scenario_from_params

    custom = scenario_from_params("baseline", levers={"oil_price_cap": {"intensity": 10.0}}, name="cap_10",
                                  description="A 10 USD/bbl deeper discount")
    assert (custom.name, custom.description) == ("cap_10", "A 10 USD/bbl deeper discount")
    unnamed = scenario_from_params("baseline", lever="tech_controls", intensity=0.4)
    assert unnamed.name == "baseline_custom" and "No new measures" not in unnamed.description
    renamed = scenario_from_params("broad_front", name="my_front")  # a built-in under a name of one's own
    assert renamed.name == "my_front" and renamed.levers == scenario_from_params("broad_front").levers


def test_saved_figures_go_to_the_run_folder_never_the_current_one(tmp_path, monkeypatch):
    from twosector import notebook

    saved = []
    monkeypatch.setattr(charts, "save", lambda fig, path: saved.append(path))
    monkeypatch.chdir(tmp_path)

    class Figure:
        def show(self) -> None:
            pass

    namespace = {"__annotations__": {"results_path": str}, "results_path": ""}
    validate_notebook_params(namespace, injected=[])
    with pytest.raises(TwosectorError, match="save_figures=True needs the run's output folder: give the notebook a "
                                             "results_path"):
        notebook.show(Figure(), "broad_front_rates", save=True)
    notebook.show(Figure(), "broad_front_rates", save=False)  # showing alone needs no folder
    validate_notebook_params({**namespace, "results_path": str(tmp_path / "run" / "results.json")}, injected=[])
    notebook.show(Figure(), "broad_front_rates", save=True)
    assert saved == [tmp_path / "run" / "figures" / "broad_front_rates"]
    assert (tmp_path / "run" / "figures" / ".twosector-output").read_text().strip() == notebook.FIGURES_KIND
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # nothing in the current folder


def test_save_figures_without_results_path_fails_in_the_validation_cell(tmp_path) -> None:
    declared = {"save_figures": bool, "results_path": str}
    with pytest.raises(ParameterError, match="notebook parameter 'save_figures' = True needs the run's output "
                                             "folder: give the notebook a results_path"):
        validate_notebook_params({"__annotations__": declared, "save_figures": True, "results_path": ""}, injected=[])
    path = str(tmp_path / "run" / "results.json")
    values = validate_notebook_params({"__annotations__": declared, "save_figures": True, "results_path": path},
                                      injected=[])
    assert values["save_figures"] is True


# ------------------------------------------------------------------------ cross-field checks and results_path

PARAMETERS_CELL = ('lever: str = ""  # a lever\nintensity: float = 0.5  # its intensity\nramp: int = 4  # quarters\n'
                   'end: str = "2030Q4"  # last quarter\ndraws: int = 100  # draws')


def scenario_namespace(**given):
    """globals() of a notebook run by papermill with ``given`` injected after PARAMETERS_CELL."""
    ns = {"__annotations__": {"lever": str, "intensity": float, "ramp": int, "end": str, "draws": int},
          "lever": "", "intensity": 0.5, "ramp": 4, "end": "2030Q4", "draws": 100}
    injected = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in given.items())
    ns.update(given, In=["", PARAMETERS_CELL, injected, "import twosector"])
    return ns


NEEDS = {"intensity": "lever", "ramp": "lever"}


def test_a_lever_field_given_without_the_lever_is_noted_as_ignored(capsys):
    # a note, not an error: a batch grid's [defaults] (start, ramp for 05_ceasefire) reach 03_scenario too
    validate_notebook_params(scenario_namespace(intensity=0.9, ramp=0), needs=NEEDS)
    assert capsys.readouterr().out.splitlines() == [
        "note: notebook parameter 'intensity' = 0.9 acts only on the lever named by 'lever', which is empty: it is "
        "ignored (give 'lever' too, e.g. -p lever tech_controls, or set the scenario's levers with 'levers')",
        "note: notebook parameter 'ramp' = 0 acts only on the lever named by 'lever', which is empty: it is "
        "ignored (give 'lever' too, e.g. -p lever tech_controls, or set the scenario's levers with 'levers')"]
    # with the lever, at its default (the default run, a grid repeating it) or run by hand: nothing to note
    validate_notebook_params(scenario_namespace(lever="tech_controls", intensity=0.9), needs=NEEDS)
    validate_notebook_params(scenario_namespace(intensity=0.5, ramp=4), needs=NEEDS)
    validate_notebook_params(scenario_namespace(end="2027Q4"), needs=NEEDS)
    by_hand = scenario_namespace(intensity=0.9)
    by_hand["In"] = ["", PARAMETERS_CELL.replace("0.5", "0.9")]
    validate_notebook_params(by_hand, needs=NEEDS)
    assert capsys.readouterr().out == ""


def test_end_and_key_quarter_must_be_projected_quarters():
    with pytest.raises(ParameterError) as err:
        validate_notebook_params(namespace(end="2024Q4"), projection=["end"])
    assert str(err.value) == ("notebook parameter 'end' = '2024Q4' is not a projected quarter; allowed: 2025Q1 "
                              "(the first quarter after the data) to 2050Q4")
    with pytest.raises(ParameterError, match="^notebook parameter 'end': '2030' is a year"):
        validate_notebook_params(namespace(end="2030"), projection=["end"])
    assert validate_notebook_params(namespace(end="2025Q1"), projection=["end"])["end"] == "2025Q1"


def test_a_monte_carlo_end_is_at_most_the_ensemble_end():
    with pytest.raises(ParameterError) as err:
        validate_notebook_params(namespace(end="2040Q4", draws=10), ensemble={"end": "draws"})
    assert str(err.value) == (
        "notebook parameter 'end' = '2040Q4' is after 2035Q4, the last quarter a Monte Carlo may reach (the end of "
        "the calibration's stability window); allowed with 'draws' = 10: 2025Q1 to 2035Q4, or 'draws' = 0 for no "
        "Monte Carlo")
    with pytest.raises(ParameterError, match=r"allowed with 'draws' = 10: 2025Q1 to 2035Q4$"):  # 06: no draws 0
        validate_notebook_params(namespace(end="2040Q4", draws=10), ensemble={"end": "draws"},
                                 ranges={"draws": (1, 100)})
    validate_notebook_params(namespace(end="2040Q4", draws=0), ensemble={"end": "draws"})
    validate_notebook_params(namespace(end="2035Q4", draws=10), ensemble={"end": "draws"})


def test_a_list_of_cutoffs_must_hold_quarters():
    ns = {"__annotations__": {"cutoffs": list}, "cutoffs": []}
    with pytest.raises(ParameterError) as err:
        validate_notebook_params(ns, quarter_lists=["cutoffs"])
    assert str(err.value) == ("notebook parameter 'cutoffs' = [] is not allowed; allowed: a list of one or more "
                              "quarters such as ['2023Q4']")
    with pytest.raises(ParameterError, match=r"^notebook parameter 'cutoffs'\[1\]: '2023' is a year"):
        validate_notebook_params(dict(ns, cutoffs=["2022Q4", "2023"]), quarter_lists=["cutoffs"])
    validate_notebook_params(dict(ns, cutoffs=["2023Q4"]), quarter_lists=["cutoffs"])


def results_namespace(path, force=False):
    return {"__annotations__": {"results_path": str, "force": bool}, "results_path": str(path), "force": force}


def test_results_path_never_replaces_a_file_no_notebook_wrote(tmp_path):
    from twosector.reports import write_results

    for name, text in (("notes.txt", "my notes\n"), ("precious.json", '{"a": 1}\n')):
        mine = tmp_path / name
        mine.write_text(text)
        with pytest.raises(ParameterError) as err:
            validate_notebook_params(results_namespace(mine))
        assert str(err.value) == (
            f"notebook parameter 'results_path' = {str(mine)!r} already exists and is not a notebook's results JSON; "
            "allowed: a new file or one a notebook wrote. Give another results_path, or force=True (papermill: "
            "-p force True) to replace it")
        assert mine.read_text() == text
        validate_notebook_params(results_namespace(mine, force=True))  # asked to replace it
    ours = tmp_path / "results.json"
    validate_notebook_params(results_namespace(ours))  # new
    write_results(ours, scenario="broad_front", key={"at": "2027Q4"})
    validate_notebook_params(results_namespace(ours))  # a notebook's results: a re-run replaces them
    with pytest.raises(TwosectorError) as err:
        validate_notebook_params(results_namespace(tmp_path))
    assert str(err.value) == f"notebook parameter 'results_path' = {str(tmp_path)!r} is a folder; give a file name"


def test_a_lever_is_set_in_one_place():
    from twosector.notebook import scenario_from_params

    with pytest.raises(ParameterError) as err:
        scenario_from_params("baseline", lever="oil_price_cap", intensity=5.0,
                             levers={"oil_price_cap": {"intensity": 20.0}})
    assert str(err.value) == (
        "notebook parameters 'lever' = 'oil_price_cap' and 'levers' = {'oil_price_cap': {'intensity': 20.0}} both "
        "set lever 'oil_price_cap'; allowed: each lever in one place: either 'lever' with 'intensity', 'start', "
        "'ramp' and 'lever_end', or its fields in 'levers' (then leave 'lever' empty)")
    both = scenario_from_params("baseline", lever="tech_controls", intensity=0.9,
                                levers={"oil_price_cap": {"intensity": 20.0}})
    assert both.levers["tech_controls"].intensity == 0.9 and both.levers["oil_price_cap"].intensity == 20.0
