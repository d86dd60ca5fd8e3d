"""Setback sweep: monotone, and equal to separate eligibility runs at each setback."""
from __future__ import annotations

import numpy as np
import pytest
from test_eligibility import CRITERIA, catalogue_file, run

from wip_qgis_plugin.core.catalogue import load_catalogue
from wip_qgis_plugin.core.eligibility import AreaOfInterest, EligibilitySettings
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.sweep import run_setback_sweep


def test_sweep_equals_separate_runs_and_is_monotone(small_region):
    tmp = small_region["tmp"]
    cat = load_catalogue(catalogue_file(tmp, CRITERIA, "sweep.yaml"))
    aoi = AreaOfInterest(small_region["layers"]["municipalities"])
    setbacks = [400, 700, 1000, 1300]
    result = run_setback_sweep(
        cat, small_region["layers"], aoi, "village", setbacks, EligibilitySettings(resolution_m=25.0),
        variants={"mit Wald": [], "ohne Wald": ["forest"]}, table=tmp / "sweep.csv", chart=tmp / "sweep.png")
    with_forest = result.series("mit Wald")
    without = result.series("ohne Wald")
    assert np.all(np.diff(with_forest) <= 1e-9) and with_forest[0] > with_forest[-1]
    assert np.all(without >= with_forest - 1e-9) and without[0] > with_forest[0]
    for s in (400, 1000):
        crit = [dict(CRITERIA[0], buffer=f"{s} m")] + CRITERIA[1:]
        single = run(small_region, crit, res=25.0, tag=f"sw{s}")
        for m in single.municipalities:
            row = next(r for r in result.rows if r.variant == "mit Wald" and r.name == m.name and r.setback_m == s)
            assert row.eligible_ha == pytest.approx(m.eligible_ha, abs=1e-6)
            assert row.total_ha == pytest.approx(m.total_ha)
    assert (tmp / "sweep.csv").read_text(encoding="utf-8").startswith("variant,name,ags,setback_m")
    assert (tmp / "sweep.png").read_bytes()[:4] == b"\x89PNG"


def test_sweep_rejects_unknown_criterion(small_region):
    cat = load_catalogue(catalogue_file(small_region["tmp"], CRITERIA, "sweep2.yaml"))
    aoi = AreaOfInterest(small_region["layers"]["municipalities"])
    with pytest.raises(InputError, match="not active"):
        run_setback_sweep(cat, small_region["layers"], aoi, "nope", [500], EligibilitySettings(resolution_m=50.0))
