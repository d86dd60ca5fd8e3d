#!/usr/bin/env python3
"""Render wip_qgis_plugin/icons/wip.svg to wip.png (64 px) for the plugin manager.

Run with the Python of QGIS after changing the SVG: QT_QPA_PLATFORM=offscreen python3 scripts/render_icon.py
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.PyQt.QtCore import Qt  # noqa: E402
from qgis.PyQt.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from qgis.PyQt.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "wip_qgis_plugin" / "icons"


def main(size: int = 64) -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (needed for painting)
    renderer = QSvgRenderer(str(ICONS / "wip.svg"))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return 0 if image.save(str(ICONS / "wip.png")) else 1


if __name__ == "__main__":
    sys.exit(main())
