"""The plugin's initGui installs the guided panel and the reason inspector beside the engine menu; unload removes
them again (the desktop smoke test sees the same in the real QGIS)."""
from __future__ import annotations


def test_init_gui_installs_and_unload_removes_the_tools(qgis_iface, qgis_app, monkeypatch):
    from wip_qgis_plugin import plugin as plugin_module

    added, removed = [], []
    monkeypatch.setattr(qgis_iface, "addPluginToMenu", lambda menu, action: added.append((menu, action.text())),
                        raising=False)
    monkeypatch.setattr(qgis_iface, "removePluginMenu", lambda menu, action: removed.append((menu, action.text())),
                        raising=False)
    # the session's provider stays registered (the other tests use it): this plugin object adds none
    monkeypatch.setattr(plugin_module.WipPlugin, "initProcessing", lambda self: None)
    wip = plugin_module.WipPlugin(qgis_iface)
    try:
        wip.initGui()
        assert wip.panel is not None and wip.reason_inspector is not None
        texts = [t for _, t in added]
        assert any("Planung" in t or "panel" in t.lower() for t in texts), texts
        assert any("ausgeschlossen" in t.lower() or "excluded" in t.lower() for t in texts), texts
    finally:
        wip.unload()
    assert wip.panel is None and wip.reason_inspector is None
