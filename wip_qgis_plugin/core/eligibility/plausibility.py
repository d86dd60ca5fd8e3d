"""Warnings about inputs that make a result wrong although every rule is applied right.

A municipality that comes out 0 % eligible because a land-use layer holds the municipality's own boundary (or
a district-wide protected-area polygon given as a nature reserve) is an input mistake, not a planning result:
:func:`covering_features` finds single features that cover nearly a whole area on their own.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import shapely

#: Share of an area one feature must cover on its own to be suspected of being the wrong layer. [-]
COVER_SHARE = 0.95


def covering_features(names: Sequence[str], areas: Sequence[Any], feature_sets: Mapping[str, Any],
                      criteria_of: Mapping[str, Sequence[str]]) -> list[str]:
    """Warnings for features that alone cover at least :data:`COVER_SHARE` of an area of interest.

    Parameters
    ----------
    names, areas : sequence
        The areas of interest and their polygons (working CRS).
    feature_sets : mapping
        Feature-set key → :class:`.distance.FeatureSet` (vector sets only are checked).
    criteria_of : mapping
        Feature-set key → the ids of the criteria reading it.
    """
    out = []
    polys = np.asarray(areas, dtype=object)
    sizes = shapely.area(polys)
    for key, fs in feature_sets.items():
        geoms = np.asarray(fs.geometries, dtype=object)
        if key.startswith("raster:") or geoms.size == 0:
            continue
        big = geoms[shapely.area(geoms) >= COVER_SHARE * max(float(sizes.min()), 1.0)]
        if big.size == 0:
            continue
        tree = shapely.STRtree(big)
        hit_area, hit_feature = tree.query(polys, predicate="intersects")
        for a, f in zip(hit_area, hit_feature):
            share = shapely.area(shapely.intersection(polys[a], big[f])) / sizes[a] if sizes[a] > 0 else 0.0
            if share >= COVER_SHARE:
                out.append(f"One feature read by {', '.join(criteria_of.get(key, [key]))} covers {100 * share:.0f} % of "
                           f"{names[a]} on its own: is it the right layer (a municipality boundary or a district-wide "
                           "polygon instead of land use or a single protected area)? The area is then excluded by the "
                           "input, not by the rules.")
    return out
