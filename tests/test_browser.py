"""Open the batch report in headless Debian Chromium and check that the plotly charts really render.

Chromium is a test requirement (`make test` installs it with `make browser`): without it these tests fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from twosector.batch import run_batch

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--virtual-time-budget=5000",
]


def chromium() -> str:
    path = shutil.which("chromium")
    assert path, "Debian chromium is needed for the browser checks: run `make browser` (apt-get install chromium)"
    return path


def dump_dom(page: Path, profile: Path) -> str:
    result = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "out"
    table = run_batch({"run": [{"notebook": "00_quickstart", "parameters": {"scenario": "broad_front", "end": "2025Q4"}}]},
                      out=out, workers=1, progress=False)
    assert (table["status"] == "ok").all(), table.to_dict("records")
    return out


@pytest.mark.slow
def test_report_charts_render_in_chromium(report, tmp_path):
    dom = dump_dom(report / "runs" / "00_quickstart-broad_front" / "report.html", tmp_path / "profile")
    plots = re.findall(r'class="plot-container plotly"', dom)
    assert len(plots) >= 2  # the notebook draws two charts
    assert dom.count('class="main-svg"') >= 2 * len(plots)  # plotly.js ran and drew each chart's SVG layers
    assert "scatterlayer" in dom  # line traces were drawn
    assert "The two economies" in dom


@pytest.mark.slow
def test_index_renders_with_links_and_summary_chart(report, tmp_path):
    dom = dump_dom(report / "index.html", tmp_path / "profile")
    assert 'href="runs/00_quickstart-broad_front/report.html"' in dom
    assert 'class="main-svg"' in dom  # the summary chart, drawn from the local plotly.min.js
    assert "broad_front" in dom
