"""The levers of the guided panel: box "4 Levers" (what the planner changes about a run).

The planning levers of the presets — the settlement setback, forest in or out, the turbine, the ground-PV land
categories that open land — and the run's options: generation sources, rotor-in, the setback chart, the demand
scenarios, the Hebesatz and the grid resolution; and whether the tables get German-Excel copies (the setting
``wip/csv_format``, ``core/data/excel_csv.py``). Each is a parameter of ``wip:municipalprofile``
(``panel_params.profile_parameters`` maps :meth:`LeverBox.values` onto them). The setback starts at the preset's
value and the categories are those of the chosen ground-PV preset (:meth:`LeverBox.show_presets`).
"""
from __future__ import annotations

import re
from typing import Any

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QLocale
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QSpinBox, QVBoxLayout, QWidget

from . import worker
from .core.defaults import DEFAULT_TURBINE
from .i18n import tr
from .panel_params import RESOLUTIONS_M
from .processing_algorithms.inputs import SOURCE_KEYS, category_label, source_label, turbine_ids
from .processing_algorithms.municipal_profile import MunicipalProfile as Alg

#: Setback the spin box starts at where the preset's is not in metres (e.g. "2 H"). [m]
FALLBACK_SETBACK_M = 1000


def setback_m(buffer: str) -> int | None:
    """Metres of a catalogue buffer such as ``1000 m`` or ``1.5 km``; None for other units (``2 H``)."""
    match = re.fullmatch(r"\s*([\d.]+)\s*(m|km)\s*", buffer or "")
    if not match:
        return None
    return int(round(float(match.group(1)) * (1000.0 if match.group(2) == "km" else 1.0)))


def _row(*widgets) -> QWidget:
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        line.addWidget(widget)
    return row


class LeverBox(QGroupBox):
    """The box of levers; :meth:`values` gives the fields of ``PanelState`` it decides."""

    def __init__(self, locale: QLocale, parent=None):
        super().__init__(tr("4 Levers"), parent)
        form = QFormLayout(self)
        self.setback_on = QCheckBox(tr("own"))
        self.setback = QSpinBox()
        self.setback.setRange(0, 5000)
        self.setback.setSingleStep(50)
        self.setback.setSuffix(" m")
        self.setback.setValue(FALLBACK_SETBACK_M)
        self.setback.setEnabled(False)
        self.setback_on.toggled.connect(self.setback.setEnabled)
        self.setback_on.setToolTip(tr("Unticked: the setbacks of the wind preset"))
        form.addRow(tr("Wind: settlement setback"), _row(self.setback_on, self.setback))
        self.forest = QComboBox()
        for mode, label in zip(Alg.FOREST_MODES, (tr("as the preset says"), tr("excluded"),
                                                  tr("not excluded (forest opened)"))):
            self.forest.addItem(label, mode)
        form.addRow(tr("Wind: forest"), self.forest)
        self.turbine = QComboBox()
        for turbine in turbine_ids():
            self.turbine.addItem(turbine, turbine)
        self.turbine.setCurrentIndex(max(self.turbine.findData(DEFAULT_TURBINE), 0))
        form.addRow(tr("Wind: turbine"), self.turbine)
        self.categories_box = QWidget()
        self.categories_layout = QVBoxLayout(self.categories_box)
        self.categories_layout.setContentsMargins(0, 0, 0, 0)
        self.category_checks: dict[str, QCheckBox] = {}
        form.addRow(tr("Ground PV: land categories"), self.categories_box)

        sources = QWidget()
        column = QVBoxLayout(sources)
        column.setContentsMargins(0, 0, 0, 0)
        self.source_checks: dict[str, QCheckBox] = {}
        for key in SOURCE_KEYS:
            check = QCheckBox(source_label(key))
            check.setChecked(True)
            column.addWidget(check)
            self.source_checks[key] = check
        form.addRow(tr("Generation sources"), sources)
        self.rotor_in = QCheckBox(tr("Rotor inside the wind areas (rotor-in)"))
        self.rotor_in.setChecked(True)
        form.addRow(self.rotor_in)
        self.sweep = QCheckBox(tr("Chart of the wind area by settlement setback 400–1,500 m"))
        self.sweep.setChecked(True)
        form.addRow(self.sweep)
        self.demand_scenarios = QCheckBox(tr("Demand scenarios 2030 and 2045 with storage"))
        self.demand_scenarios.setChecked(True)
        form.addRow(self.demand_scenarios)
        self.hebesatz_on = QCheckBox(tr("set"))
        self.hebesatz = QSpinBox()
        self.hebesatz.setRange(200, 1000)
        self.hebesatz.setValue(400)
        self.hebesatz.setSuffix(" %")
        self.hebesatz.setEnabled(False)
        self.hebesatz_on.toggled.connect(self.hebesatz.setEnabled)
        self.hebesatz_on.setToolTip(tr("Unticked: the Hebesatz field of the municipalities layer, else the cost "
                                       "table's"))
        form.addRow(tr("Trade-tax multiplier (Hebesatz) [%]"), _row(self.hebesatz_on, self.hebesatz))
        self.resolution = QComboBox()
        for value in RESOLUTIONS_M:
            self.resolution.addItem(f"{locale.toString(value, 'f', 0)} m", value)
        form.addRow(tr("Grid resolution [m]"), self.resolution)
        self.excel = QCheckBox(tr("Tables also for Excel (semicolons, decimal commas: *_excel.csv)"))
        self.excel.setChecked(worker.csv_format() == "excel_de")
        self.excel.toggled.connect(lambda on: QgsSettings().setValue(worker.KEY_CSV_FORMAT,
                                                                     "excel_de" if on else "standard"))
        form.addRow(self.excel)

    def show_presets(self, wind, pv, language: str) -> None:
        """Start the setback at the wind preset's (``PresetSummary`` or None) and offer the ground-PV preset's
        categories (its labels in ``language``), all ticked."""
        metres = [m for m in (setback_m(c.buffer) for c in (wind.settlement if wind is not None else ())) if m]
        if not self.setback_on.isChecked():
            self.setback.setValue(max(metres) if metres else FALLBACK_SETBACK_M)
        self.setback_on.setEnabled(wind is not None and bool(wind.settlement))
        self.forest.setEnabled(wind is not None and wind.forest is not None)
        for check in self.category_checks.values():
            self.categories_layout.removeWidget(check)
            check.deleteLater()
        self.category_checks = {}
        labels = pv.categories if pv is not None else {}
        for key in (k for k in Alg.PV_CATEGORY_KEYS if k in labels):
            check = QCheckBox(category_label(key, labels, language))
            check.setChecked(True)
            self.categories_layout.addWidget(check)
            self.category_checks[key] = check

    def values(self) -> dict[str, Any]:
        """The ``PanelState`` fields of the levers."""
        checked = tuple(k for k, c in self.category_checks.items() if c.isChecked())
        return {
            "settlement_setback_m": float(self.setback.value()) if self.setback_on.isChecked() else None,
            "forest": self.forest.currentData() if self.forest.isEnabled() else "preset",
            "turbine": self.turbine.currentData() or DEFAULT_TURBINE,
            "pv_categories": None if len(checked) == len(self.category_checks) else checked,
            "sources": tuple(k for k, c in self.source_checks.items() if c.isChecked()),
            "rotor_in": self.rotor_in.isChecked(),
            "hebesatz_pct": float(self.hebesatz.value()) if self.hebesatz_on.isChecked() else None,
            "demand_scenarios": self.demand_scenarios.isChecked(),
            "sweep": self.sweep.isChecked(),
            "resolution_m": float(self.resolution.currentData()),
        }
