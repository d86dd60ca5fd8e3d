"""QML styles for algorithm outputs, applied when QGIS loads them into the project."""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingLayerPostProcessorInterface
from qgis.PyQt import sip

from ..reason_style import apply_reason_style, retitle_band_node

STYLE_DIR = Path(__file__).resolve().parent.parent / "styles"


class StylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies a QML style from ``styles/`` to an output loaded into the project.

    Stateless apart from the style path, so one instance per style serves every run
    (QGIS needs the object to outlive the algorithm; see :func:`style_post_processor`).
    """

    def __init__(self, qml: Path):
        super().__init__()
        self.qml = qml

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        if layer is not None and layer.isValid():
            layer.loadNamedStyle(str(self.qml))
            layer.triggerRepaint()


class ReasonStylePostProcessor(StylePostProcessor):
    """The reasons raster: ``styles/reasons.qml``, then one legend entry per criterion from the
    ``*_bits.json`` beside the raster (``reason_style.py``); the QML stays where there is no sidecar."""

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        super().postProcessLayer(layer, context, feedback)
        if layer is not None and layer.isValid():
            try:
                if apply_reason_style(layer):
                    retitle_band_node(layer, context.project() if context is not None else None)
            except (OSError, ValueError) as exc:  # a damaged sidecar must not lose the layer
                if feedback is not None:
                    feedback.reportError(str(exc), False)


#: Styles whose post-processor does more than load the QML.
POST_PROCESSOR_CLASSES: dict[str, type[StylePostProcessor]] = {"reasons": ReasonStylePostProcessor}

_POST_PROCESSORS: dict[str, StylePostProcessor] = {}


def style_post_processor(style: str) -> StylePostProcessor:
    """The post-processor applying ``styles/<style>.qml``.

    A context owns the post-processors it is given and deletes them with itself (the C++ object;
    the Python wrapper stays), so a new one is made once the last one's context is gone.
    """
    if style not in _POST_PROCESSORS or sip.isdeleted(_POST_PROCESSORS[style]):
        _POST_PROCESSORS[style] = POST_PROCESSOR_CLASSES.get(style, StylePostProcessor)(STYLE_DIR / f"{style}.qml")
    return _POST_PROCESSORS[style]


def attach_style(context, value, style: str) -> None:
    """Style an output with ``styles/<style>.qml`` when QGIS loads it into the project.

    Only outputs the user asked to open get a post-processor (processing.run and qgis_process
    load nothing). Never touches the project itself: QGIS calls the post-processor in the main
    thread after the algorithm has finished.
    """
    if value and context.willLoadLayerOnCompletion(str(value)):
        details = context.layerToLoadOnCompletionDetails(str(value))
        details.setPostProcessor(style_post_processor(style))
