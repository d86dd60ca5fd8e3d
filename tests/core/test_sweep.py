"""Setback sweep: monotone, and equal to separate eligibility runs at each setback."""
from __future__ import annotations

import numpy as np
import pytest
from test_eligibility import CRITERIA, catalogue_file, run

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.eligibility.engine import AreaOfInterest, EligibilitySettings
from wip_qgis_plugin.core.errors import InputError
from wip_qgis_plugin.core.eligibility.sweep import SweepOutputs, SweepSettings, run_setback_sweep


def test_sweep_equals_separate_runs_and_is_monotone(small_region):
    tmp = small_region["tmp"]
    cat = load_catalogue(catalogue_file(tmp, CRITERIA, "sweep.yaml"))
    aoi = AreaOfInterest(small_region["layers"]["municipalities"])
    setbacks = [400, 700, 1000, 1300]
    result = run_setback_sweep(
        cat, small_region["layers"], aoi, "village", setbacks, {"mit Wald": [], "ohne Wald": ["forest"]},
        SweepOutputs(table=tmp / "sweep.csv", chart=tmp / "sweep.png"),
        SweepSettings(EligibilitySettings(resolution_m=25.0)))
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
        run_setback_sweep(cat, small_region["layers"], aoi, "nope", [500],
                          settings=SweepSettings(EligibilitySettings(resolution_m=50.0)))


def test_sweep_reads_features_as_far_as_its_longest_setback(tmp_path):
    """A village 1200 m outside the AOI counts at 1300 m although the catalogue's own setback is 500 m."""
    import shapely
    from conftest import X0, Y0, frame, write_layers
    aoi = frame([shapely.box(X0, Y0, X0 + 3000, Y0 + 3000)], name=["A"])
    village = frame([shapely.box(X0 + 4200, Y0 + 1000, X0 + 4700, Y0 + 2000)], landuse=["residential"])
    layers = write_layers(tmp_path / "v.gpkg", {"municipalities": aoi, "landuse": village})
    crit = [{"id": "village", "kind": "hard", "layer": "landuse", "filter": {"landuse": ["residential"]},
             "buffer": "500 m"}]
    cat = load_catalogue(catalogue_file(tmp_path, crit, "far.yaml"))
    res = run_setback_sweep(cat, layers, AreaOfInterest(layers["municipalities"]), "village", [1000, 1300],
                            settings=SweepSettings(EligibilitySettings(resolution_m=25.0, workers=1)))
    share = res.series("all")
    assert share[0] == pytest.approx(100.0)
    assert share[1] < 100.0  # the 1300 m setback reaches 100 m into the AOI
    exact = shapely.intersection(aoi.geometry[0], village.geometry[0].buffer(1300, quad_segs=64)).area
    assert 100.0 - share[1] == pytest.approx(100 * exact / 9e6, rel=0.02)


def test_variant_dropping_the_swept_criterion_is_refused(small_region):
    cat = load_catalogue(catalogue_file(small_region["tmp"], CRITERIA, "sweep3.yaml"))
    aoi = AreaOfInterest(small_region["layers"]["municipalities"])
    with pytest.raises(InputError, match="drops the swept criterion"):
        run_setback_sweep(cat, small_region["layers"], aoi, "village", [500], {"x": ["village"]},
                          settings=SweepSettings(EligibilitySettings(resolution_m=50.0)))
