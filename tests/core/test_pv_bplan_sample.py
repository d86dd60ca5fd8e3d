"""The Bebauungsplan variant on the sample region: pv_ground_bplan holds every pixel pv_ground finds (a superset)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio
import pytest
import rasterio

from wip_qgis_plugin.core.catalogue.loader import load_catalogue
from wip_qgis_plugin.core.data.layers import ROLES, LayerRef
from wip_qgis_plugin.core.eligibility.engine import (
    AreaOfInterest,
    EligibilityOutputs,
    EligibilitySettings,
    run_eligibility,
)

SAMPLE = Path(__file__).resolve().parents[2] / "sample_layers" / "revier_sample.gpkg"
NAMES = ("Muldestausee", "Südliches Anhalt")


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample region not generated")
def test_bplan_preset_is_a_superset_of_pv_ground_on_the_sample(tmp_path):
    layers = {name: LayerRef(str(SAMPLE), name) for name, *_ in pyogrio.list_layers(SAMPLE) if name in ROLES}
    aoi = AreaOfInterest(layers["municipalities"], "name", NAMES)
    settings = EligibilitySettings(resolution_m=50.0, workers=1)
    out = {}
    for preset in ("pv_ground", "pv_ground_bplan"):
        outs = EligibilityOutputs(tmp_path / f"{preset}.tif")
        res = run_eligibility(load_catalogue(preset), layers, aoi, outs, settings)
        with rasterio.open(outs.eligibility) as src:
            out[preset] = (res, src.read(1) == 1)
    (ground, ground_px), (bplan, bplan_px) = out["pv_ground"], out["pv_ground_bplan"]
    assert ground_px.any() and not (ground_px & ~bplan_px).any()          # pixel by pixel
    for g, b in zip(ground.municipalities, bplan.municipalities):
        assert b.eligible_ha >= g.eligible_ha > 0
        assert b.categories["bplan"] == pytest.approx(b.eligible_ha)     # the bplan zone is the whole area
        for cat, ha in g.categories.items():                             # same zones, same exclusions
            assert b.categories[cat] == pytest.approx(ha)
    assert np.count_nonzero(bplan_px) > np.count_nonzero(ground_px)
