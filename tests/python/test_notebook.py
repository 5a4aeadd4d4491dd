"""examples/notebooks/front_door_review.ipynb runs top to bottom."""

from __future__ import annotations

import pytest

from conftest import ROOT

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -r requirements-dev.txt)")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install -r requirements-dev.txt)")
pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install -r requirements-dev.txt)")


def test_notebook_runs_top_to_bottom(tmp_path):
    path = ROOT / "examples" / "notebooks" / "front_door_review.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", "")) for o in outputs)
    assert "agreement" in text and "24,000 contacts" in text
    # SPEC 7.8's section: the override figures and the two history modes on the shipped year.
    assert "recorded outcomes" in text and "strengths" in text and "re-referral flags" in text
    assert any("image/png" in o.get("data", {}) for o in outputs), "the plots were not drawn"
