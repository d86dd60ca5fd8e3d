"""The guided panel "WIP Planung": the planner's front door to the municipal energy profile.

A dock widget built on ``wip:municipalprofile``: choose the municipalities layer (detected in the project)
and the municipalities, see the Land their key (AGS) gives and the wind preset of that Land (by its title;
changeable), the input layers detected by role (changeable), the levers the algorithm has (generation
sources, ground-PV preset, rotor-in, Hebesatz, demand scenarios, setback chart, resolution), then one button
that runs the profile with progress and cancel (the engine in a process of its own, ``panel_run``), loads the result layers into a group
"WIP Ergebnis <date>", offers the report and shows per municipality the PV land per category, floating PV, the
€ figures and the 2045 balance (``panel_results``). Detection: ``panel_detect``; presets: ``panel_presets``;
the parameters: ``panel_params.profile_parameters``.

The plugin installs it with :func:`install_panel` (``PanelHandle.unload`` removes it).
"""
from __future__ import annotations

import html
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsFeatureRequest,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsSettings,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDateTime, QLocale, Qt, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices, QIcon
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from . import panel_detect as detect
from . import panel_presets as presets
from .compat import qgis_enum
from .core.errors import WipError
from .i18n import tr, ui_language
from .panel_params import (
    ALGORITHM_ID,
    PANEL_RASTER_ROLES,
    PanelState,
    profile_parameters,
    state_problems,
)
from .panel_layers import (
    PANEL_ROLES,
    POPULATION_FIELDS,
    default_output_folder,
    layer_info,
    project_layers,
    role_name,
)
from .panel_boundaries import BoundariesLoader
from .panel_levers import LeverBox
from .panel_results import read_profile, results_html
from .panel_run import PanelFeedback, ProfileRun, engine_command
from .processing_algorithms.output_styles import STYLE_DIR

ICON = Path(__file__).resolve().parent / "icons" / "wip.svg"
SETTINGS_VISIBLE = "wip/panel/visible"
NO_GEOMETRY = qgis_enum("FeatureRequestFlag", "NoGeometry", getattr(QgsFeatureRequest, "NoGeometry", 1))
USER_ROLE = Qt.ItemDataRole.UserRole


def narrow(combo: QComboBox) -> QComboBox:
    """Let a combo box shrink with the dock (long preset titles are elided, shown in full when opened)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


class PlanningPanel(QDockWidget):
    """The dock widget "WIP Planung" (see the module docstring)."""

    #: Emitted when a run has ended: (ok, the algorithm's results).
    finished = pyqtSignal(bool, dict)

    def __init__(self, iface=None, project: QgsProject | None = None, parent=None):
        super().__init__(tr("WIP Planning"), parent)
        self.setObjectName("WipPlanningPanel")
        self.iface = iface
        self.project = project or QgsProject.instance()
        self.language = ui_language()
        self.locale = QLocale()
        self.task = None  # the running ProfileRun
        self.algorithm = None
        self.context = None
        self.feedback = None
        self.messages: list[str] = []
        self.results: dict = {}
        self.result_group = None
        self._chosen_roles: dict[str, str] = {}  # role → layer id the planner picked by hand
        self._filling = False
        self._lands: list[str] = []
        self._running_state: PanelState | None = None
        self.report_path: Path | None = None
        self._build()
        self.project.layersAdded.connect(self.refresh_layers)
        self.project.layersRemoved.connect(self.refresh_layers)
        self.refresh_layers()

    # ------------------------------------------------------------- building the widgets
    def _build(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)

        box = QGroupBox(tr("1 Municipalities"))
        form = QFormLayout(box)
        self.aoi_combo = QComboBox()
        self.aoi_combo.currentIndexChanged.connect(self._aoi_changed)
        form.addRow(tr("Layer"), self.aoi_combo)
        self.boundaries = BoundariesLoader(self.project, self)
        self.boundaries.finished.connect(self._boundaries_loaded)
        self.boundaries_button = QPushButton(tr("Load boundaries (VG250-EW)…"))
        self.boundaries_button.setToolTip(tr("No municipalities layer? The official boundaries of a Land from the "
                                             "BKG's web service (network)"))
        lands = QMenu(self.boundaries_button)
        for code in ("ST", "SN", "TH", *sorted(set(presets.LAND_NAMES) - {"ST", "SN", "TH"})):
            lands.addAction(presets.LAND_NAMES.get(code, code), lambda c=code: self.load_boundaries(c))
        self.boundaries_button.setMenu(lands)
        form.addRow(self.boundaries_button)
        self.name_field = QComboBox()
        self.name_field.currentIndexChanged.connect(self._fill_names)
        self.key_field = QComboBox()
        self.key_field.currentIndexChanged.connect(self._fill_names)
        form.addRow(tr("Name field"), self.name_field)
        form.addRow(tr("Key field (AGS)"), self.key_field)
        self.name_filter = QLineEdit()
        self.name_filter.setPlaceholderText(tr("Filter names…"))
        self.name_filter.textChanged.connect(self._filter_names)
        form.addRow(self.name_filter)
        self.names = QListWidget()
        self.names.setMinimumHeight(110)
        self.names.itemChanged.connect(self._names_changed)
        form.addRow(self.names)
        layout.addWidget(box)

        box = QGroupBox(tr("2 Land and criteria presets"))
        form = QFormLayout(box)
        self.land_label = QLabel("–")
        form.addRow(tr("Land"), self.land_label)
        self.land_combo = QComboBox()
        self.land_combo.addItem(tr("from the AGS"), None)
        for code, name in sorted(presets.LAND_NAMES.items(), key=lambda kv: kv[1]):
            self.land_combo.addItem(name, code)
        self.land_combo.currentIndexChanged.connect(self._land_chosen)
        self.land_combo_label = QLabel(tr("Land where the AGS does not tell"))
        form.addRow(self.land_combo_label, self.land_combo)
        self.wind_preset = QComboBox()
        self.wind_preset.addItem(tr("no wind areas"), None)
        for p in sorted(presets.presets_of("wind"), key=lambda p: p.title(self.language)):
            self.wind_preset.addItem(p.title(self.language), p.id)
            self.wind_preset.setItemData(self.wind_preset.count() - 1, p.id, Qt.ItemDataRole.ToolTipRole)
        self.wind_preset.currentIndexChanged.connect(self._show_preset)
        form.addRow(tr("Wind"), self.wind_preset)
        self.preset_info = QLabel()
        self.preset_info.setWordWrap(True)
        form.addRow(self.preset_info)
        self.pv_preset = QComboBox()
        self.pv_preset.addItem(tr("no ground-PV areas"), None)
        for p in presets.presets_of("pv_ground"):
            self.pv_preset.addItem(p.title(self.language), p.id)
        self.pv_preset.setCurrentIndex(max(self.pv_preset.findData("pv_ground"), 0))
        form.addRow(tr("Ground PV"), self.pv_preset)
        layout.addWidget(box)

        box = QGroupBox(tr("3 Input layers"))
        inner = QVBoxLayout(box)
        self.role_table = QTableWidget(len(PANEL_ROLES), 2)
        self.role_table.setHorizontalHeaderLabels([tr("Role"), tr("Layer")])
        self.role_table.verticalHeader().setVisible(False)
        self.role_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.role_combos: dict[str, QComboBox] = {}
        for row, role in enumerate(PANEL_ROLES):
            label = QLabel(role_name(role))
            label.setToolTip(role)
            self.role_table.setCellWidget(row, 0, label)
            combo = QComboBox()
            combo.currentIndexChanged.connect(lambda _i, r=role: self._role_chosen(r))
            self.role_table.setCellWidget(row, 1, combo)
            self.role_combos[role] = combo
        self.role_table.resizeColumnToContents(0)
        self.role_table.setMinimumHeight(200)
        inner.addWidget(self.role_table)
        layout.addWidget(box)

        self.levers = LeverBox(self.locale)
        for name in ("source_checks", "rotor_in", "sweep", "demand_scenarios", "hebesatz_on", "hebesatz",
                     "resolution"):
            setattr(self, name, getattr(self.levers, name))  # the panel's controls, as tests and scripts use them
        self.pv_preset.currentIndexChanged.connect(self._show_preset)
        layout.addWidget(self.levers)

        box = QGroupBox(tr("5 Run"))
        inner = QVBoxLayout(box)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.output = QLineEdit(default_output_folder(self.project))
        browse = QPushButton("…")
        browse.setToolTip(tr("Choose the output folder"))
        browse.clicked.connect(self._choose_folder)
        line.addWidget(QLabel(tr("Output folder")))
        line.addWidget(self.output, 1)
        line.addWidget(browse)
        inner.addWidget(row)
        self.run_button = QPushButton(tr("Create energy profile"))
        self.run_button.clicked.connect(self.run)
        inner.addWidget(self.run_button)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        line.addWidget(self.progress, 1)
        line.addWidget(self.cancel_button)
        inner.addWidget(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        inner.addWidget(self.status)
        layout.addWidget(box)

        box = QGroupBox(tr("6 Results"))
        inner = QVBoxLayout(box)
        self.report_button = QPushButton(tr("Open report"))
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.open_report)
        inner.addWidget(self.report_button)
        self.results_view = QTextBrowser()
        self.results_view.setMinimumHeight(260)
        self.results_view.setOpenExternalLinks(True)
        inner.addWidget(self.results_view)
        layout.addWidget(box)
        layout.addStretch(1)

        for combo in (self.aoi_combo, self.name_field, self.key_field, self.land_combo, self.wind_preset,
                      self.pv_preset, self.resolution, *self.role_combos.values()):
            narrow(combo)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.setWidget(scroll)
        self.setMinimumWidth(min(body.sizeHint().width() + 24, 460))  # wide enough for its texts, at most 460 px
        self._show_preset()

    # ------------------------------------------------------------- layers of the project
    def refresh_layers(self, *_args) -> None:
        """Fill the layer choices from the project, keeping what the planner chose by hand."""
        layers = project_layers(self.project)
        infos = [layer_info(layer) for layer in layers]
        self._filling = True
        try:
            current = self.aoi_combo.currentData()
            self.aoi_combo.clear()
            polygons = [i for i in infos if detect.geometry_class(i.geometry) == detect.POLYGON]
            for info in polygons:
                self.aoi_combo.addItem(info.name, info.key)
            chosen = current if self.aoi_combo.findData(current) >= 0 else None
            if chosen is None:
                found = detect.detect_municipality_layer(polygons)
                chosen = found.key if found else None
            self.aoi_combo.setCurrentIndex(max(self.aoi_combo.findData(chosen), 0) if chosen else -1)
            detected = detect.detect_roles(infos, PANEL_ROLES, exclude=[self.aoi_combo.currentData()])
            for role, combo in self.role_combos.items():
                wanted = detect.ROLE_GEOMETRIES.get(role, ())
                combo.clear()
                combo.addItem("–", None)
                for info in infos:
                    kind = detect.geometry_class(info.geometry)
                    if kind in wanted or (kind == "" and detect.RASTER not in wanted):
                        combo.addItem(info.name, info.key)
                pick = self._chosen_roles.get(role)
                if pick is None or combo.findData(pick) < 0:
                    self._chosen_roles.pop(role, None)
                    pick = detected[role].key if role in detected else None
                combo.setCurrentIndex(max(combo.findData(pick), 0) if pick else 0)
        finally:
            self._filling = False
        self._aoi_changed()

    def load_boundaries(self, land: str, server_url: str | None = None) -> bool:
        """Load the VG250-EW boundaries of ``land`` (a Land code) as the municipalities layer (``panel_boundaries``)."""
        folder = self.output.text().strip() or default_output_folder(self.project)
        started = self.boundaries.start(land, folder, server_url)
        if started:
            self.boundaries_button.setEnabled(False)
            self.status.setText(tr("Loading the municipal boundaries of {land}…").format(
                land=presets.LAND_NAMES.get(land, land)))
        return started

    def _boundaries_loaded(self, layer, message: str) -> None:
        self.boundaries_button.setEnabled(True)
        self.status.setText(message)
        if layer is not None:
            self.aoi_combo.setCurrentIndex(max(self.aoi_combo.findData(layer.id()), 0))

    def _role_chosen(self, role: str) -> None:
        if not self._filling:
            self._chosen_roles[role] = self.role_combos[role].currentData()

    def aoi_layer(self):
        key = self.aoi_combo.currentData()
        return self.project.mapLayer(key) if key else None

    def _aoi_changed(self, *_args) -> None:
        if self._filling:
            return
        layer = self.aoi_layer()
        fields = tuple(layer.fields().names()) if isinstance(layer, QgsVectorLayer) else ()
        name, key = detect.municipality_fields(fields)
        self._filling = True
        try:
            for combo, pick, empty in ((self.name_field, name, False), (self.key_field, key, True)):
                combo.clear()
                if empty:
                    combo.addItem("–", None)
                for f in fields:
                    combo.addItem(f, f)
                combo.setCurrentIndex(max(combo.findData(pick), 0) if pick else 0)
        finally:
            self._filling = False
        self._fill_names()

    def _fill_names(self, *_args) -> None:
        if self._filling:
            return
        checked = set(self.checked_names())
        layer = self.aoi_layer()
        name_field, key_field = self.name_field.currentData(), self.key_field.currentData()
        rows: dict[str, str] = {}
        if isinstance(layer, QgsVectorLayer) and name_field:
            request = QgsFeatureRequest().setFlags(NO_GEOMETRY)
            request.setSubsetOfAttributes([f for f in (name_field, key_field) if f], layer.fields())
            for feature in layer.getFeatures(request):
                name = feature[name_field]
                if name is None or str(name) in ("", "NULL"):
                    continue
                rows.setdefault(str(name), str(feature[key_field]) if key_field else "")
        self._filling = True
        try:
            self.names.clear()
            for name in sorted(rows, key=str.casefold):
                item = QListWidgetItem(name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked)
                item.setData(USER_ROLE, rows[name])
                if rows[name]:
                    item.setToolTip(f"AGS {rows[name]}")
                self.names.addItem(item)
        finally:
            self._filling = False
        self._filter_names(self.name_filter.text())
        self._names_changed()

    def _filter_names(self, text: str) -> None:
        needle = text.strip().casefold()
        for i in range(self.names.count()):
            item = self.names.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def checked_names(self) -> list[str]:
        return [self.names.item(i).text() for i in range(self.names.count())
                if self.names.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked_names(self, names) -> None:
        """Tick exactly ``names`` in the list (tests and scripts)."""
        wanted = set(names)
        for i in range(self.names.count()):
            item = self.names.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in wanted else Qt.CheckState.Unchecked)

    # ------------------------------------------------------------- Land and preset
    def lands(self) -> list[str]:
        """The Länder of the ticked municipalities by their key (AGS), in the order of the list."""
        keys = [self.names.item(i).data(USER_ROLE) for i in range(self.names.count())
                if self.names.item(i).checkState() == Qt.CheckState.Checked]
        return detect.land_codes(keys, presets.land_of_key)

    def _names_changed(self, *_args) -> None:
        if self._filling:
            return
        lands = self.lands()
        changed = lands != self._lands
        self._lands = lands
        self.land_combo.setEnabled(not lands)
        self.land_combo.setVisible(not lands)
        self.land_combo_label.setVisible(not lands)
        if lands:
            self.land_label.setText(", ".join(presets.LAND_NAMES.get(c, c) for c in lands) + " " + tr("(from the AGS)"))
            if len(lands) > 1:
                self.land_label.setText(self.land_label.text() + " — " + tr(
                    "several Länder: the preset's rules are those of one Land"))
            if changed:  # the planner's own choice of preset stays until the Land changes
                self.set_wind_preset(presets.wind_preset_for_land(lands[0]))
        else:
            self.land_label.setText(tr("not known from the AGS: choose it"))
            self._land_chosen()

    def _land_chosen(self, *_args) -> None:
        if self.land_combo.isEnabled() and self.land_combo.currentData():
            self.set_wind_preset(presets.wind_preset_for_land(self.land_combo.currentData()))

    def set_wind_preset(self, preset_id: str | None) -> None:
        index = self.wind_preset.findData(preset_id)
        if index >= 0:
            self.wind_preset.setCurrentIndex(index)

    def _show_preset(self, *_args) -> None:
        preset_id = self.wind_preset.currentData()
        if hasattr(self, "levers"):
            summaries = presets.summaries()
            self.levers.show_presets(summaries.get(preset_id or ""), summaries.get(self.pv_preset.currentData() or ""),
                                     self.language)
        if not preset_id:
            self.preset_info.setText(tr("No wind areas: the profile computes no wind eligibility."))
            return
        p = presets.summaries().get(preset_id)
        if p is None:
            self.preset_info.setText("")
            return
        setback = "; ".join(c.label(self.language) for c in p.settlement) or tr("none")
        if p.forest_excluded is None:
            forest = tr("not a criterion of the preset")
        elif p.forest_excluded:
            forest = tr("excluded")
        else:
            forest = tr("case by case (not excluded)")
        self.preset_info.setText(
            tr("Settlement setback: {setback}").format(setback=setback) + "\n"
            + tr("Forest: {forest}").format(forest=forest) + "\n"
            + tr("Change them under 4 Levers; the report charts the wind area for setbacks of 400–1,500 m."))

    # ------------------------------------------------------------- state and run
    def state(self) -> PanelState:
        """The panel's choices."""
        layer = self.aoi_layer()
        fields = tuple(layer.fields().names()) if isinstance(layer, QgsVectorLayer) else ()
        roles = {role: combo.currentData() for role, combo in self.role_combos.items() if combo.currentData()}
        return PanelState(
            aoi=self.aoi_combo.currentData() or "", names=tuple(self.checked_names()),
            output_folder=self.output.text().strip(), name_field=self.name_field.currentData() or "name",
            id_field=self.key_field.currentData(), population_field=detect.pick_field(fields, POPULATION_FIELDS),
            wind_preset=self.wind_preset.currentData(), pv_preset=self.pv_preset.currentData(),
            layers={r: v for r, v in roles.items() if r not in PANEL_RASTER_ROLES},
            rasters={r: v for r, v in roles.items() if r in PANEL_RASTER_ROLES},
            land=self.land_combo.currentData() if self.land_combo.isEnabled() else None,
            language="de" if self.language == "de" else "en", **self.levers.values())

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Output folder"), self.output.text())
        if folder:
            self.output.setText(folder)

    def run(self) -> bool:
        """Start the profile in the engine's own process; False (with the reason shown) if it cannot start.

        The job is built here, in the main thread, from the project's layers; :mod:`.panel_run` runs it.
        """
        if self.task is not None:
            return False
        state = self.state()
        problems = state_problems(state)
        if problems:
            self.status.setText(" ".join(problems))
            return False
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
        if algorithm is None:
            self.status.setText(tr("The algorithm {id} is not available: is the plugin's provider loaded?").format(
                id=ALGORITHM_ID))
            return False
        Path(state.output_folder).mkdir(parents=True, exist_ok=True)
        self.context = QgsProcessingContext()
        self.context.setProject(self.project)
        self.feedback = PanelFeedback()
        # bound methods of the dock: queued into the main thread (the run reports from its watching thread)
        self.feedback.progressChanged.connect(self._progress)
        self.feedback.text.connect(self._progress_text)
        self.feedback.warning.connect(self._message)
        self.messages = []
        try:
            job = algorithm.build_job(profile_parameters(state), self.context, self.feedback)
            command = engine_command()
        except (QgsProcessingException, WipError) as exc:
            self.status.setText(tr("The profile cannot start: {error}").format(error=str(exc)))
            return False
        self.algorithm = algorithm
        self.task = ProfileRun(job, self.feedback, command, Path(state.output_folder),
                               describe=algorithm.job_error_message, parent=self)
        self.task.finished.connect(self._ended)
        self._running_state = state
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(tr("The profile is being created…"))
        self.task.start()
        return True

    def _progress(self, value: float) -> None:
        if self.task is not None:
            self.progress.setValue(int(value))

    def _progress_text(self, text: str) -> None:
        if self.task is not None:  # a queued text arriving after the end must not hide the outcome
            self.status.setText(text)

    def _message(self, text: str) -> None:
        self.messages.append(text)

    def cancel(self) -> None:
        """Stop the running profile: its worker process ends, nothing half-written stays."""
        if self.task is None:
            return
        self.status.setText(tr("Cancelling…"))
        self.task.cancel()

    def _ended(self, ok: bool, cancelled: bool, result: dict, message: str) -> None:
        """The run's end (queued from its watching thread): the algorithm's outputs, or the reason."""
        results = {}
        if ok:
            try:
                results = self.algorithm.outputs(result, self._running_state.output_folder, self.context,
                                                 self.feedback)
            except (KeyError, TypeError, QgsProcessingException) as exc:
                ok, message = False, str(exc)
        if message and not cancelled:
            self.messages.append(message)
        self._executed(ok, results)

    def _executed(self, ok: bool, results: dict) -> None:
        cancelled = self.feedback is not None and self.feedback.isCanceled()
        state = self._running_state
        self.task = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if cancelled:
            self.status.setText(tr("Cancelled."))
        elif not ok:
            detail = self.messages[-1] if self.messages else ""
            self.status.setText(tr("The profile failed: {error}").format(error=detail or tr("see the log")))
        else:
            self.progress.setValue(100)
            self.results = dict(results)
            self.load_results(results)
            self.show_results(state.output_folder, state.names)
            self.status.setText(tr("Done. Municipalities: {n}. Folder: {folder}").format(
                n=results.get("N_MUNICIPALITIES", len(state.names)), folder=state.output_folder))
            self._offer_report()
        self.finished.emit(bool(ok and not cancelled), dict(results or {}))

    # ------------------------------------------------------------- results
    def load_results(self, results: dict):
        """Load the municipalities with indicators and the sites into a new group "WIP Ergebnis <date>"."""
        stamp = self.locale.toString(QDateTime.currentDateTime(), QLocale.FormatType.ShortFormat)
        group = self.project.layerTreeRoot().insertGroup(0, tr("WIP result {date}").format(date=stamp))
        for key, name, style in (("OUTPUT_MUNICIPALITIES", tr("Municipalities with indicators"),
                                  "profile_municipalities"),
                                 ("OUTPUT_SITES", tr("Sites of the profile"), "profile_sites")):
            uri = results.get(key)
            if not uri:
                continue
            layer = QgsVectorLayer(str(uri), name, "ogr")
            if not layer.isValid():
                continue
            qml = STYLE_DIR / f"{style}.qml"
            if qml.is_file():
                layer.loadNamedStyle(str(qml))
            self.project.addMapLayer(layer, False)
            group.addLayer(layer)
        self.result_group = group
        return group

    def show_results(self, folder: str, names=()) -> None:
        """Render the chosen municipalities' figures from ``<folder>/profile.json``."""
        try:
            profile = read_profile(folder)
        except ValueError as exc:
            self.results_view.setHtml(f"<p>{html.escape(str(exc))}</p>")
            return
        pv = presets.summaries().get(self.pv_preset.currentData() or "pv_ground")
        page = results_html(profile, list(names), self.locale, pv.categories if pv else None, self.language)
        if self.messages:
            items = "".join(f"<li>{html.escape(m)}</li>" for m in self.messages[:20])
            page += f"<h4>{html.escape(tr('Notes of the run'))}</h4><ul>{items}</ul>"
        self.results_view.setHtml(page)
        self.report_path = Path(folder) / "report" / "index.html"
        self.report_button.setEnabled(self.report_path.is_file())

    def open_report(self) -> None:
        if self.report_path is not None and self.report_path.is_file():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report_path)))

    def _offer_report(self) -> None:
        bar = self.iface.messageBar() if self.iface is not None and hasattr(self.iface, "messageBar") else None
        if bar is None or not self.report_button.isEnabled():
            return
        text = tr("The energy profile is ready.")
        if hasattr(bar, "pushWidget"):
            from .first_run import message_widget

            bar.pushWidget(message_widget(text, tr("Open report"), self.open_report), Qgis.MessageLevel.Success, 0)
        else:
            bar.pushMessage(tr("WIP Energy & Spatial Planning"), text, Qgis.MessageLevel.Success, 8)

    def unload(self) -> None:
        """Cancel a running profile and let go of the project's signals."""
        if self.task is not None:
            self.cancel()
            self.task.wait(5.0)
        for signal in (self.project.layersAdded, self.project.layersRemoved):
            try:
                signal.disconnect(self.refresh_layers)
            except (TypeError, RuntimeError):
                pass


class PanelHandle:
    """The installed panel: the dock, the action that shows it, and :meth:`unload`."""

    def __init__(self, iface, dock: PlanningPanel, action, menu_name: str):
        self.iface = iface
        self.dock = dock
        self.action = action
        self.menu_name = menu_name

    def unload(self) -> None:
        QgsSettings().setValue(SETTINGS_VISIBLE, self.dock.isVisible())
        self.dock.unload()
        if self.iface is not None:
            if hasattr(self.iface, "removePluginMenu"):
                self.iface.removePluginMenu(self.menu_name, self.action)
            if hasattr(self.iface, "removeToolBarIcon"):
                self.iface.removeToolBarIcon(self.action)
            if hasattr(self.iface, "removeDockWidget"):
                self.iface.removeDockWidget(self.dock)
        self.dock.deleteLater()
        self.action.deleteLater()


def install_panel(iface, menu_name: str) -> PanelHandle:
    """Add the dock "WIP Planung" to the main window (right), an action that shows and hides it to the menu
    ``menu_name`` and the plugins toolbar; shown where it was shown when QGIS last closed (first start: shown)."""
    try:
        from qgis.PyQt.QtGui import QAction  # Qt6 (QGIS 4)
    except ImportError:
        from qgis.PyQt.QtWidgets import QAction  # Qt5

    window = iface.mainWindow()
    dock = PlanningPanel(iface, parent=window)
    action = QAction(QIcon(str(ICON)), tr("WIP planning panel"), window)
    action.setCheckable(True)
    action.toggled.connect(dock.setVisible)
    dock.visibilityChanged.connect(action.setChecked)
    iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    if hasattr(iface, "addPluginToMenu"):
        iface.addPluginToMenu(menu_name, action)
    if hasattr(iface, "addToolBarIcon"):
        iface.addToolBarIcon(action)
    visible = QgsSettings().value(SETTINGS_VISIBLE, True, type=bool)
    dock.setVisible(visible)
    action.setChecked(visible)
    return PanelHandle(iface, dock, action, menu_name)
