<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
  <context>
    <name>wip</name>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="34" />
      <source>WIP Energy &amp; Spatial Planning</source>
      <translation>WIP Energie &amp; Raumplanung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="139" />
      <source>The engine is set to run in a separate Python (wip/engine_mode = worker), but no engine Python is set: set one under Plugins → {menu} → Engine Python…, or run Plugins → {menu} → Create engine environment.</source>
      <translation>Der Rechenkern soll in einem eigenen Python laufen (wip/engine_mode = worker), aber es ist kein Rechenkern-Python eingestellt: Wählen Sie eines unter Erweiterungen → {menu} → Rechenkern-Python…, oder führen Sie Erweiterungen → {menu} → Rechenkernumgebung erstellen aus.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="170" />
      <source>The engine lacks Python packages.</source>
      <translation>Dem Rechenkern fehlen Python-Pakete.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="176" />
      <source>The WIP engine needs Python packages that are missing in the Python environment of QGIS: {packages}. That Python is managed by the operating system (PEP 668): pip cannot add packages to it. Let the plugin create an engine environment for them under Plugins → {menu} → Create engine environment (QGIS's own Python stays unchanged), or set a Python that has them under Plugins → {menu} → Engine Python….</source>
      <translation>Der WIP-Rechenkern benötigt Python-Pakete, die in der Python-Umgebung von QGIS fehlen: {packages}. Dieses Python wird vom Betriebssystem verwaltet (PEP 668): pip kann ihm keine Pakete hinzufügen. Lassen Sie die Erweiterung dafür eine Rechenkernumgebung erstellen unter Erweiterungen → {menu} → Rechenkernumgebung erstellen (das Python von QGIS bleibt unverändert), oder wählen Sie ein Python, das sie hat, unter Erweiterungen → {menu} → Rechenkern-Python….</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="184" />
      <source>The WIP engine needs Python packages that are missing in the Python environment of QGIS: {packages}. Install them and restart QGIS, e.g. with: python3 -m pip install --user --no-binary shapely,pyproj,pyogrio,rasterio {packages} (on Windows in the OSGeo4W Shell).</source>
      <translation>Der WIP-Rechenkern benötigt Python-Pakete, die in der Python-Umgebung von QGIS fehlen: {packages}. Installieren Sie sie und starten Sie QGIS neu, z. B. mit: python3 -m pip install --user --no-binary shapely,pyproj,pyogrio,rasterio {packages} (unter Windows in der OSGeo4W Shell).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="191" />
      <source>Install {packages} without its dependencies (its metadata asks for numpy 2, which the GDAL bindings of QGIS cannot load): python3 -m pip install --user --no-deps {packages}</source>
      <translation>Installieren Sie {packages} ohne Abhängigkeiten (die Paketdaten verlangen numpy 2, das die GDAL-Anbindung von QGIS nicht laden kann): python3 -m pip install --user --no-deps {packages}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="197" />
      <source>The numpy found does not work with the GDAL bindings of QGIS ({error}).</source>
      <translation>Das gefundene numpy funktioniert nicht mit den GDAL-Anbindungen von QGIS ({error}).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="198" />
      <source>Or run the engine in a separate Python that has them: set it under Plugins → {menu} → Engine Python…, or let the plugin create one under Plugins → {menu} → Create engine environment (QGIS's own Python stays unchanged).</source>
      <translation>Oder führen Sie den Rechenkern in einem eigenen Python aus, das sie hat: wählen Sie es unter Erweiterungen → {menu} → Rechenkern-Python…, oder lassen Sie die Erweiterung eines erstellen unter Erweiterungen → {menu} → Rechenkernumgebung erstellen (das Python von QGIS bleibt unverändert).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="207" />
      <source>The engine Python “{python}” lacks these packages: {packages}. Install them with: "{python}" -m pip install {packages}, or run Plugins → {menu} → Create engine environment.</source>
      <translation>Dem Rechenkern-Python „{python}“ fehlen diese Pakete: {packages}. Installieren Sie sie mit: "{python}" -m pip install {packages}, oder führen Sie Erweiterungen → {menu} → Rechenkernumgebung erstellen aus.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="211" />
      <source>The engine Python “{python}” cannot run the engine ({error}). Set another one under Plugins → {menu} → Engine Python…, or run Plugins → {menu} → Create engine environment.</source>
      <translation>Das Rechenkern-Python „{python}“ kann den Rechenkern nicht ausführen ({error}). Wählen Sie ein anderes unter Erweiterungen → {menu} → Rechenkern-Python…, oder führen Sie Erweiterungen → {menu} → Rechenkernumgebung erstellen aus.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="219" />
      <source>These Python packages use other versions of GEOS, PROJ or GDAL than QGIS: {list}. Inside QGIS this can give wrong results or crashes. Run the engine in an engine environment instead: Plugins → {menu} → Create engine environment, then Always run the engine in the engine Python.</source>
      <translation>Diese Python-Pakete verwenden andere Versionen von GEOS, PROJ oder GDAL als QGIS: {list}. In QGIS kann das zu falschen Ergebnissen oder Abstürzen führen. Führen Sie den Rechenkern stattdessen in einer Rechenkernumgebung aus: Erweiterungen → {menu} → Rechenkernumgebung erstellen, dann Rechenkern immer im Rechenkern-Python ausführen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/environment.py" line="224" />
      <source>These Python packages use other versions of GEOS, PROJ or GDAL than QGIS: {list}. Inside QGIS this can give wrong results or crashes. Reinstall them compiled against the libraries of QGIS: python3 -m pip install --user --force-reinstall --no-binary shapely,pyproj,pyogrio,rasterio shapely pyproj pyogrio rasterio</source>
      <translation>Diese Python-Pakete verwenden andere Versionen von GEOS, PROJ oder GDAL als QGIS: {list}. In QGIS kann das zu falschen Ergebnissen oder Abstürzen führen. Installieren Sie sie neu, kompiliert gegen die Bibliotheken von QGIS: python3 -m pip install --user --force-reinstall --no-binary shapely,pyproj,pyogrio,rasterio shapely pyproj pyogrio rasterio</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/first_run.py" line="104" />
      <source>Create engine environment</source>
      <translation>Rechenkernumgebung erstellen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/first_run.py" line="104" />
      <source>Creates a separate Python environment with the engine's packages (about a minute, needs the internet); QGIS's own Python stays unchanged.</source>
      <translation>Erstellt eine eigene Python-Umgebung mit den Paketen des Rechenkerns (etwa eine Minute, braucht Internet); das Python von QGIS bleibt unverändert.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/first_run.py" line="138" />
      <source>Creating the engine environment in {folder}</source>
      <translation>Rechenkernumgebung wird in {folder} erstellt</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/first_run.py" line="139" />
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/first_run.py" line="140" />
      <source>Creating the WIP engine environment</source>
      <translation>WIP-Rechenkernumgebung wird erstellt</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/first_run.py" line="158" />
      <source>Cancelling …</source>
      <translation>Wird abgebrochen …</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/first_run.py" line="186" />
      <source>Engine environment ready: {python}</source>
      <translation>Rechenkernumgebung bereit: {python}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/first_run.py" line="195" />
      <source>Creating the engine environment was cancelled.</source>
      <translation>Das Erstellen der Rechenkernumgebung wurde abgebrochen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/first_run.py" line="202" />
      <source>Creating the engine environment failed: {error}. The whole output is in {log}.</source>
      <translation>Das Erstellen der Rechenkernumgebung ist fehlgeschlagen: {error}. Die vollständige Ausgabe steht in {log}.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/first_run.py" line="210" />
      <source>Show log</source>
      <translation>Protokoll anzeigen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="99" />
      <source>WIP Planning</source>
      <translation>WIP Planung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="127" />
      <source>1 Municipalities</source>
      <translation>1 Gemeinden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="131" />
      <source>Layer</source>
      <translation>Layer</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="134" />
      <source>Load boundaries (VG250-EW)…</source>
      <translation>Gemeindegrenzen laden (VG250-EW) …</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="135" />
      <source>No municipalities layer? The official boundaries of a Land from the BKG's web service (network)</source>
      <translation>Kein Gemeinde-Layer? Die amtlichen Grenzen eines Landes vom Webdienst des BKG (Netz)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="146" />
      <source>Name field</source>
      <translation>Namensfeld</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="147" />
      <source>Key field (AGS)</source>
      <translation>Schlüsselfeld (AGS)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="149" />
      <source>Filter names…</source>
      <translation>Namen filtern …</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="158" />
      <source>2 Land and criteria presets</source>
      <translation>2 Land und Kriterienvorgaben</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="161" />
      <source>Land</source>
      <translation>Land</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="163" />
      <source>from the AGS</source>
      <translation>aus dem AGS</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="167" />
      <source>Land where the AGS does not tell</source>
      <translation>Land, wo der AGS es nicht angibt</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="170" />
      <source>no wind areas</source>
      <translation>keine Windflächen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="175" />
      <source>Wind</source>
      <translation>Wind</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="180" />
      <source>no ground-PV areas</source>
      <translation>keine Freiflächen-PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="184" />
      <source>Ground PV</source>
      <translation>Freiflächen-PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="187" />
      <source>3 Input layers</source>
      <translation>3 Eingangsdaten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="190" />
      <source>Role</source>
      <translation>Rolle</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="214" />
      <source>5 Run</source>
      <translation>5 Berechnen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="221" />
      <source>Choose the output folder</source>
      <translation>Ausgabeordner wählen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="227" />
      <source>Create energy profile</source>
      <translation>Energieprofil erstellen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="247" />
      <source>6 Results</source>
      <translation>6 Ergebnisse</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="249" />
      <source>Open report</source>
      <translation>Bericht öffnen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="311" />
      <source>Loading the municipal boundaries of {land}…</source>
      <translation>Die Gemeindegrenzen von {land} werden geladen …</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="413" />
      <source>(from the AGS)</source>
      <translation>(aus dem AGS)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="415" />
      <source>several Länder: the preset's rules are those of one Land</source>
      <translation>mehrere Länder: Die Vorgabe enthält die Regeln eines Landes</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="420" />
      <source>not known from the AGS: choose it</source>
      <translation>aus dem AGS nicht bekannt: bitte wählen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="439" />
      <source>No wind areas: the profile computes no wind eligibility.</source>
      <translation>Keine Windflächen: Das Profil berechnet keine Flächeneignung für Wind.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="445" />
      <source>none</source>
      <translation>keine</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="447" />
      <source>not a criterion of the preset</source>
      <translation>kein Kriterium der Vorgabe</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="449" />
      <source>excluded</source>
      <translation>ausgeschlossen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="451" />
      <source>case by case (not excluded)</source>
      <translation>Einzelfallprüfung (nicht ausgeschlossen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="453" />
      <source>Settlement setback: {setback}</source>
      <translation>Siedlungsabstand: {setback}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="454" />
      <source>Forest: {forest}</source>
      <translation>Wald: {forest}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="455" />
      <source>Change them under 4 Levers; the report charts the wind area for setbacks of 400–1,500 m.</source>
      <translation>Ändern unter 4 Stellschrauben; der Bericht zeigt die Windfläche für Abstände von 400–1.500 m.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="474" />
      <source>Output folder</source>
      <translation>Ausgabeordner</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="492" />
      <source>The algorithm {id} is not available: is the plugin's provider loaded?</source>
      <translation>Der Algorithmus {id} ist nicht verfügbar: Ist der Provider der Erweiterung geladen?</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="508" />
      <source>The profile cannot start: {error}</source>
      <translation>Das Profil kann nicht starten: {error}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="518" />
      <source>The profile is being created…</source>
      <translation>Das Profil wird erstellt …</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="537" />
      <source>Cancelling…</source>
      <translation>Wird abgebrochen …</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="560" />
      <source>Cancelled.</source>
      <translation>Abgebrochen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="563" />
      <source>The profile failed: {error}</source>
      <translation>Das Profil ist fehlgeschlagen: {error}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="563" />
      <source>see the log</source>
      <translation>siehe Protokoll</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="569" />
      <source>Done. Municipalities: {n}. Folder: {folder}</source>
      <translation>Fertig. Gemeinden: {n}. Ordner: {folder}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="578" />
      <source>WIP result {date}</source>
      <translation>WIP Ergebnis {date}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="579" />
      <source>Municipalities with indicators</source>
      <translation>Gemeinden mit Kennzahlen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="581" />
      <source>Sites of the profile</source>
      <translation>Standorte des Profils</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="607" />
      <source>Notes of the run</source>
      <translation>Hinweise der Berechnung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="620" />
      <source>The energy profile is ready.</source>
      <translation>Das Energieprofil ist fertig.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel.py" line="673" />
      <source>WIP planning panel</source>
      <translation>WIP-Planungsfenster</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_boundaries.py" line="82" />
      <source>The boundaries could not be loaded: {error}</source>
      <translation>Die Grenzen konnten nicht geladen werden: {error}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_boundaries.py" line="84" />
      <source>Municipalities (VG250-EW)</source>
      <translation>Gemeinden (VG250-EW)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_boundaries.py" line="86" />
      <source>The boundaries file {path} cannot be read.</source>
      <translation>Die Grenzdatei {path} kann nicht gelesen werden.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_boundaries.py" line="89" />
      <source>{n} municipalities loaded (© GeoBasis-DE / BKG, dl-de/by-2-0).</source>
      <translation>{n} Gemeinden geladen (© GeoBasis-DE / BKG, dl-de/by-2-0).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="23" />
      <source>Land use</source>
      <translation>Landnutzung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="23" />
      <source>Settlement areas (other source)</source>
      <translation>Siedlungsflächen (andere Quelle)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="24" />
      <source>Forest (other source)</source>
      <translation>Wald (andere Quelle)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="24" />
      <source>Buildings</source>
      <translation>Gebäude</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="24" />
      <source>Roads</source>
      <translation>Straßen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="25" />
      <source>Railways</source>
      <translation>Bahnstrecken</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="25" />
      <source>Power lines</source>
      <translation>Stromleitungen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="25" />
      <source>Substations</source>
      <translation>Umspannwerke</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="26" />
      <source>Water bodies</source>
      <translation>Gewässer</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="26" />
      <source>Watercourses</source>
      <translation>Fließgewässer</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="26" />
      <source>Protected areas</source>
      <translation>Schutzgebiete</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="27" />
      <source>Airfields</source>
      <translation>Flugplätze</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="27" />
      <source>Existing wind turbines</source>
      <translation>Bestehende Windenergieanlagen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="28" />
      <source>Existing PV parks</source>
      <translation>Bestehende PV-Freiflächenanlagen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="28" />
      <source>Nest sites</source>
      <translation>Horststandorte</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="28" />
      <source>Parking lots</source>
      <translation>Parkplätze</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="29" />
      <source>Disadvantaged areas</source>
      <translation>Benachteiligte Gebiete</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="29" />
      <source>Lakes for floating PV</source>
      <translation>Seen für schwimmende PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="30" />
      <source>Elevation model</source>
      <translation>Höhenmodell</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="30" />
      <source>Wind speed 150 m</source>
      <translation>Windgeschwindigkeit 150 m</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="31" />
      <source>Wind speed 100 m</source>
      <translation>Windgeschwindigkeit 100 m</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_layers.py" line="31" />
      <source>Soil quality</source>
      <translation>Bodenqualität</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="51" />
      <source>4 Levers</source>
      <translation>4 Stellschrauben</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="53" />
      <source>own</source>
      <translation>eigener</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="61" />
      <source>Unticked: the setbacks of the wind preset</source>
      <translation>Nicht angehakt: die Abstände der Wind-Kriterienvorgabe</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="62" />
      <source>Wind: settlement setback</source>
      <translation>Wind: Siedlungsabstand</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="64" />
      <source>as the preset says</source>
      <translation>wie die Vorgabe es sagt</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="65" />
      <source>not excluded (forest opened)</source>
      <translation>nicht ausgeschlossen (Wald geöffnet)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="67" />
      <source>Wind: forest</source>
      <translation>Wind: Wald</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="72" />
      <source>Wind: turbine</source>
      <translation>Wind: Anlage</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="77" />
      <source>Ground PV: land categories</source>
      <translation>Freiflächen-PV: Flächenkategorien</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="88" />
      <source>Generation sources</source>
      <translation>Erzeugungsarten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="89" />
      <source>Rotor inside the wind areas (rotor-in)</source>
      <translation>Rotor innerhalb der Windflächen (Rotor-in)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="92" />
      <source>Chart of the wind area by settlement setback 400–1,500 m</source>
      <translation>Diagramm der Windfläche nach Siedlungsabstand 400–1.500 m</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="95" />
      <source>Demand scenarios 2030 and 2045 with storage</source>
      <translation>Bedarfsszenarien 2030 und 2045 mit Speicher</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="98" />
      <source>set</source>
      <translation>festlegen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="105" />
      <source>Unticked: the Hebesatz field of the municipalities layer, else the cost table's</source>
      <translation>Nicht angehakt: das Hebesatz-Feld des Gemeindelayers, sonst der Wert der Kostentabelle</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="107" />
      <source>Trade-tax multiplier (Hebesatz) [%]</source>
      <translation>Gewerbesteuer-Hebesatz [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="111" />
      <source>Grid resolution [m]</source>
      <translation>Rasterauflösung [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_levers.py" line="112" />
      <source>Tables also for Excel (semicolons, decimal commas: *_excel.csv)</source>
      <translation>Tabellen auch für Excel (Semikolon, Dezimalkomma: *_excel.csv)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_params.py" line="66" />
      <source>Choose the municipalities layer.</source>
      <translation>Bitte den Gemeindelayer wählen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_params.py" line="68" />
      <source>Tick at least one municipality.</source>
      <translation>Bitte mindestens eine Gemeinde anhaken.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_params.py" line="70" />
      <source>A municipality name contains a comma; the profile cannot select it by name.</source>
      <translation>Ein Gemeindename enthält ein Komma; das Profil kann ihn nicht über den Namen auswählen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_params.py" line="72" />
      <source>Choose an output folder.</source>
      <translation>Bitte einen Ausgabeordner wählen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_params.py" line="74" />
      <source>Choose at least one generation source or preset.</source>
      <translation>Bitte mindestens eine Erzeugungsart oder Vorgabe wählen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="33" />
      <source>No profile.json in {folder}: the profile has not been run there.</source>
      <translation>Keine profile.json in {folder}: Das Profil wurde dort nicht berechnet.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="36" />
      <source>Cannot read {path}: {error}</source>
      <translation>{path} kann nicht gelesen werden: {error}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="64" />
      <source>not assessed</source>
      <translation>nicht bewertet</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="70" />
      <source>Eligible area wind</source>
      <translation>Potenzialfläche Wind</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="71" />
      <source>Eligible area ground PV (union of the categories)</source>
      <translation>Potenzialfläche Freiflächen-PV (Vereinigung der Kategorien)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="72" />
      <source>Energy of the counted sources</source>
      <translation>Ertrag der gezählten Erzeugungsarten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="73" />
      <source>Electricity demand today</source>
      <translation>Strombedarf heute</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="83" />
      <source>Ground PV by land category</source>
      <translation>Freiflächen-PV nach Flächenkategorie</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="88" />
      <source>Category</source>
      <translation>Kategorie</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="88" />
      <source>Land [ha]</source>
      <translation>Fläche [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="88" />
      <source>Energy [GWh/a]</source>
      <translation>Ertrag [GWh/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="89" />
      <source>The categories overlap: do not add them up.</source>
      <translation>Die Kategorien überlappen sich: nicht addieren.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="92" />
      <source>Floating PV</source>
      <translation>Schwimmende PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="93" />
      <source>Lakes with a field</source>
      <translation>Seen mit einem Feld</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="94" />
      <source>Capacity</source>
      <translation>Leistung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="95" />
      <source>Energy</source>
      <translation>Ertrag</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="97" />
      <source>Payment under § 6 EEG</source>
      <translation>Zahlung nach § 6 EEG</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="97" />
      <source>Trade tax (simplified)</source>
      <translation>Gewerbesteuer (vereinfacht)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="98" />
      <source>Municipal income (§ 6 EEG + trade tax)</source>
      <translation>Kommunale Einnahmen (§ 6 EEG + Gewerbesteuer)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="99" />
      <source>Lease to the landowners</source>
      <translation>Pacht an die Flächeneigentümer</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="100" />
      <source>k€/a</source>
      <translation>T€/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="102" />
      <source>What the municipality receives</source>
      <translation>Was die Gemeinde erhält</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="105" />
      <source>Electricity demand 2045</source>
      <translation>Strombedarf 2045</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="106" />
      <source>Annual balance 2045 (generation / demand)</source>
      <translation>Bilanzielle Deckung 2045 (Erzeugung / Bedarf)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="107" />
      <source>Self-sufficiency 2045 (same hour)</source>
      <translation>Zeitgleiche Eigenversorgung 2045</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="108" />
      <source>Storage for 80 % self-sufficiency</source>
      <translation>Speicher für 80 % Eigenversorgung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="109" />
      <source>Storage for 90 % self-sufficiency</source>
      <translation>Speicher für 90 % Eigenversorgung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="112" />
      <source>Balance 2045</source>
      <translation>Bilanz 2045</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="115" />
      <source>–: no storage size reaches the target.</source>
      <translation>–: Keine Speichergröße erreicht das Ziel.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="117" />
      <source>Demand scenarios were not computed.</source>
      <translation>Bedarfsszenarien wurden nicht berechnet.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_results.py" line="127" />
      <source>The profile holds none of the chosen municipalities.</source>
      <translation>Das Profil enthält keine der gewählten Gemeinden.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/panel_run.py" line="118" />
      <source>The run was cancelled; no output was written.</source>
      <translation>Der Lauf wurde abgebrochen; es wurde keine Ausgabe geschrieben.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/plugin.py" line="22" />
      <source>The WIP engine runs in the engine Python {python}.</source>
      <translation>Der WIP-Rechenkern läuft im Rechenkern-Python {python}.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/plugin.py" line="76" />
      <source>The WIP engine could not be checked: {error}</source>
      <translation>Der WIP-Rechenkern konnte nicht geprüft werden: {error}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/plugin.py" line="98" />
      <source>Engine Python…</source>
      <translation>Rechenkern-Python…</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/plugin.py" line="100" />
      <source>Check engine</source>
      <translation>Rechenkern prüfen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/plugin.py" line="105" />
      <source>Always run the engine in the engine Python</source>
      <translation>Rechenkern immer im Rechenkern-Python ausführen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/plugin.py" line="156" />
      <source>Engine Python (an interpreter with the engine's packages)</source>
      <translation>Rechenkern-Python (ein Interpreter mit den Paketen des Rechenkerns)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/plugin.py" line="157" />
      <source>Python interpreter (python*)</source>
      <translation>Python-Interpreter (python*)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/plugin.py" line="170" />
      <source>The WIP engine runs in the Python of QGIS.</source>
      <translation>Der WIP-Rechenkern läuft im Python von QGIS.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="94" />
      <source>Wind farm</source>
      <translation>Windpark</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="94" />
      <source>Ground-mounted PV</source>
      <translation>Freiflächen-PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="95" />
      <source>Agrivoltaics</source>
      <translation>Agri-PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="95" />
      <source>Rooftop PV</source>
      <translation>Dach-PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="96" />
      <source>Site</source>
      <translation>Standort</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="117" />
      <source>{area} ha</source>
      <translation>{area} ha</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="120" />
      <source>{capacity} MWp</source>
      <translation>{capacity} MWp</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="122" />
      <source>{capacity} MW</source>
      <translation>{capacity} MW</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="123" />
      <source>{name} – site {rank}: {technology}, {figures}</source>
      <translation>{name} – Standort {rank}: {technology}, {figures}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="128" />
      <source>connected to one substation</source>
      <translation>an ein Umspannwerk angeschlossen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="129" />
      <source>connected, split between substations</source>
      <translation>angeschlossen, auf mehrere Umspannwerke verteilt</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="130" />
      <source>only partly: too little free capacity within reach</source>
      <translation>nur teilweise: zu wenig freie Kapazität in Reichweite</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="131" />
      <source>no substation within reach has free capacity</source>
      <translation>kein Umspannwerk in Reichweite hat freie Kapazität</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="132" />
      <source>no substation of its voltage level within reach</source>
      <translation>kein Umspannwerk seiner Spannungsebene in Reichweite</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="133" />
      <source>larger than every voltage level allows</source>
      <translation>größer, als jede Spannungsebene zulässt</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="139" />
      <source>Technology: {technology}</source>
      <translation>Technologie: {technology}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="141" />
      <source>Area: {area} ha</source>
      <translation>Fläche: {area} ha</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="144" />
      <source>Peak power (DC): {capacity} MWp</source>
      <translation>Spitzenleistung (DC): {capacity} MWp</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="146" />
      <source>Inverter power (AC): {capacity} MW</source>
      <translation>Wechselrichterleistung (AC): {capacity} MW</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="147" />
      <source>Rated power: {capacity} MW</source>
      <translation>Nennleistung: {capacity} MW</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="149" />
      <source>Annual energy: {energy} GWh/a</source>
      <translation>Jahresertrag: {energy} GWh/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="151" />
      <source>Full-load hours: {hours} h/a</source>
      <translation>Volllaststunden: {hours} h/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="154" />
      <source>Electricity generation cost (LCOE): {lcoe} €/MWh</source>
      <translation>Stromgestehungskosten (LCOE): {lcoe} €/MWh</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="157" />
      <source>Grid connection: {status}</source>
      <translation>Netzanschluss: {status}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="159" />
      <source>({cost} M€)</source>
      <translation>({cost} Mio. €)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="163" />
      <source>Lease to landowners: {lease} k€/a</source>
      <translation>Pacht an Flächeneigentümer: {lease} T€/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="176" />
      <source>Generation: {energy} GWh/a from {capacity} MW</source>
      <translation>Erzeugung: {energy} GWh/a aus {capacity} MW</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="177" />
      <source>– wind: {n} farms, {capacity} MW, {energy} GWh/a</source>
      <translation>– Wind: {n} Windparks, {capacity} MW, {energy} GWh/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="179" />
      <source>– ground-mounted PV: {n} sites, {capacity} MW, {energy} GWh/a</source>
      <translation>– Freiflächen-PV: {n} Standorte, {capacity} MW, {energy} GWh/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="181" />
      <source>– rooftop PV (not drawn): {capacity} MW, {energy} GWh/a</source>
      <translation>– Dach-PV (nicht dargestellt): {capacity} MW, {energy} GWh/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="183" />
      <source>Electricity demand: {demand} GWh/a</source>
      <translation>Strombedarf: {demand} GWh/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="184" />
      <source>Annual balance (generation ÷ demand over the year): {pct} %</source>
      <translation>Jahresbilanz (Erzeugung ÷ Bedarf übers Jahr): {pct} %</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="185" />
      <source>Self-sufficiency (demand met hour by hour): {pct} %</source>
      <translation>Eigenversorgung (Bedarf Stunde für Stunde gedeckt): {pct} %</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="186" />
      <source>Hours in which generation covers demand: {pct} %</source>
      <translation>Stunden, in denen die Erzeugung den Bedarf deckt: {pct} %</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="187" />
      <source>Eligible land for wind: {area} ha ({pct} % of the municipality)</source>
      <translation>Potenzialfläche Wind: {area} ha ({pct} % der Gemeindefläche)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="189" />
      <source>Eligible land for ground-mounted PV: {area} ha ({pct} % of the municipality)</source>
      <translation>Potenzialfläche Freiflächen-PV: {area} ha ({pct} % der Gemeindefläche)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="192" />
      <source>The layer has no indicators of a profile.</source>
      <translation>Die Ebene enthält keine Kennzahlen eines Energieprofils.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="197" />
      <source>The profile counts the energy of both in full: no deduction for the shared land.</source>
      <translation>Das Profil zählt die Energie beider Standorte voll: kein Abzug für die gemeinsam belegte Fläche.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="231" />
      <source>Overlap: {area} ha of this site are also part of a site of another technology ({others}).</source>
      <translation>Überschneidung: {area} ha dieses Standorts gehören auch zu einem Standort einer anderen Technologie ({others}).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="251" />
      <source>Overlap: on {area} ha, sites of different technologies ({names}) lie on the same land.</source>
      <translation>Überschneidung: Auf {area} ha liegen Standorte verschiedener Technologien ({names}) auf derselben Fläche.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="303" />
      <source>{name} – overview of the municipality</source>
      <translation>{name} – Gemeindeübersicht</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="304" />
      <source>Figures of the municipality (potentials)</source>
      <translation>Kennzahlen der Gemeinde (Potenziale)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="314" />
      <source>Figures of this site</source>
      <translation>Kennzahlen des Standorts</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="402" />
      <source>Legend</source>
      <translation>Legende</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="409" />
      <source>Site of this page</source>
      <translation>Standort dieser Seite</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="414" />
      <source>score: 100 most, 0 least suitable</source>
      <translation>Bewertung: 100 am besten, 0 am wenigsten geeignet</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="417" />
      <source>Base map</source>
      <translation>Grundkarte</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="461" />
      <source>Page [% @atlas_featurenumber %] of [% @atlas_totalfeatures %]</source>
      <translation>Seite [% @atlas_featurenumber %] von [% @atlas_totalfeatures %]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="464" />
      <source>Date: {date}</source>
      <translation>Datum: {date}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/atlas.py" line="466" />
      <source>Potentials under the stated assumptions, not plans. WIP energy and spatial planning.</source>
      <translation>Potenziale unter den genannten Annahmen, keine Planung. WIP Energie &amp; Raumplanung.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="56" />
      <source>0 Input data</source>
      <translation>0 Eingangsdaten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="56" />
      <source>1 Eligibility</source>
      <translation>1 Flächeneignung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="56" />
      <source>2 Suitability</source>
      <translation>2 Eignungsbewertung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="57" />
      <source>3 Potential</source>
      <translation>3 Potenzial</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="57" />
      <source>4 Grid</source>
      <translation>4 Netz</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="57" />
      <source>5 Energy profile</source>
      <translation>5 Energieprofil</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="58" />
      <source>6 Area accounting</source>
      <translation>6 Flächenbilanz</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="100" />
      <source>a number from {low} to {high}</source>
      <translation>erwartet wird eine Zahl von {low} bis {high}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="101" />
      <source>a number</source>
      <translation>erwartet wird eine Zahl</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="101" />
      <source>a number of at least {low}</source>
      <translation>erwartet wird eine Zahl von mindestens {low}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="103" />
      <source>one of: {options}</source>
      <translation>erwartet wird einer dieser Werte: {options}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="105" />
      <source>a layer of the project or a file QGIS can open (check the path and the layer name)</source>
      <translation>erwartet wird ein Layer des Projekts oder eine Datei, die QGIS öffnen kann (Pfad und Layernamen prüfen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="107" />
      <source>a coordinate reference system, e.g. EPSG:25832</source>
      <translation>erwartet wird ein Koordinatenbezugssystem, z. B. EPSG:25832</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="109" />
      <source>a field of the chosen layer</source>
      <translation>erwartet wird ein Feld des gewählten Layers</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="111" />
      <source>a value (this parameter is required)</source>
      <translation>erwartet wird ein Wert (dieser Parameter ist erforderlich)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="112" />
      <source>a valid value (see the help of the parameter)</source>
      <translation>erwartet wird ein gültiger Wert (siehe Hilfe zum Parameter)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="147" />
      <source>Parameters</source>
      <translation>Parameter</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="165" />
      <source>“{label}” ({name}): the value “{value}” cannot be used — {expected}.</source>
      <translation>„{label}“ ({name}): Der Wert „{value}“ ist nicht verwendbar — {expected}.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="203" />
      <source>Running the engine in the engine Python {python}</source>
      <translation>Der Rechenkern läuft im Rechenkern-Python {python}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="220" />
      <source>The criteria of catalogue “{catalogue}” ({kinds}) need these input layers, which were not given: {layers}. Add them, or choose fewer criteria kinds or another catalogue.</source>
      <translation>Die Kriterien des Katalogs „{catalogue}“ ({kinds}) benötigen diese Eingabelayer, die nicht angegeben wurden: {layers}. Geben Sie sie an oder wählen Sie weniger Kriterienarten oder einen anderen Katalog.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="227" />
      <source>The suitability criteria of catalogue “{catalogue}” need these inputs, which were not given: {inputs}. Add them, or remove those criteria from the catalogue.</source>
      <translation>Die Bewertungskriterien des Katalogs „{catalogue}“ brauchen diese Eingaben, die nicht angegeben wurden: {inputs}. Ergänzen Sie sie oder entfernen Sie diese Kriterien aus dem Katalog.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="232" />
      <source>The catalogue “{catalogue}” has no active criterion tagged settlement_setback: give the id of the criterion to vary.</source>
      <translation>Der Katalog „{catalogue}“ hat kein aktives Kriterium mit der Markierung settlement_setback: Geben Sie die ID des zu variierenden Kriteriums an.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="236" />
      <source>The chart needs the Python package matplotlib: install it ("{python}" -m pip install matplotlib), or leave the chart out.</source>
      <translation>Das Diagramm benötigt das Python-Paket matplotlib: Installieren Sie es ("{python}" -m pip install matplotlib) oder lassen Sie das Diagramm weg.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="265" />
      <source>“{output}”: the file must end in {suffixes} (got “{path}”).</source>
      <translation>„{output}“: Die Datei muss auf {suffixes} enden (angegeben: „{path}“).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="53" />
      <source>Energy profiles of many municipalities</source>
      <translation>Energieprofile vieler Gemeinden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="57" />
      <source>Scenario file</source>
      <translation>Szenariodatei</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="63" />
      <source>Municipalities (default: the scenario's area of interest)</source>
      <translation>Gemeinden (Standard: Untersuchungsgebiet des Szenarios)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="68" />
      <source>Key field (e.g. AGS)</source>
      <translation>Schlüsselfeld (z. B. AGS)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="70" />
      <source>Selection (OGR SQL condition)</source>
      <translation>Auswahl (OGR-SQL-Bedingung)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="72" />
      <source>Grid resolution [m] (default: the scenario's)</source>
      <translation>Rasterauflösung [m] (Standard: die des Szenarios)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="74" />
      <source>Dask scheduler (empty: one after the other)</source>
      <translation>Dask-Scheduler (leer: nacheinander)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="77" />
      <source>Batch folder</source>
      <translation>Stapelordner</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="78" />
      <source>Overview table</source>
      <translation>Übersichtstabelle</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="79" />
      <source>Overview map</source>
      <translation>Übersichtskarte</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="80" />
      <source>Municipalities computed</source>
      <translation>Gerechnete Gemeinden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="81" />
      <source>Municipalities kept from an earlier run</source>
      <translation>Aus einem früheren Lauf übernommene Gemeinden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="82" />
      <source>Municipalities failed</source>
      <translation>Fehlgeschlagene Gemeinden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="87" />
      <source>Choose the scenario file (.yaml).</source>
      <translation>Wählen Sie die Szenariodatei (.yaml).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="104" />
      <source>{name}: failed ({error}); run the algorithm again into the same folder to retry it.</source>
      <translation>{name}: fehlgeschlagen ({error}); den Algorithmus erneut in denselben Ordner starten, um es noch einmal zu versuchen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="108" />
      <source>Energy profiles (batch)</source>
      <translation>Energieprofile (Stapel)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="120" />
      <source>Running the batch in the engine Python {python}</source>
      <translation>Der Stapel läuft im Engine-Python {python}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/batch_profile.py" line="125" />
      <source>The batch was cancelled; finished municipalities are kept, run it again to go on.</source>
      <translation>Der Stapel wurde abgebrochen; fertige Gemeinden bleiben erhalten, erneut starten, um fortzufahren.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/check_data.py" line="56" />
      <source>Check input data</source>
      <translation>Eingangsdaten prüfen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/check_data.py" line="62" />
      <source>Data check table (CSV)</source>
      <translation>Tabelle der Datenprüfung (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/check_data.py" line="62" />
      <source>CSV files (*.csv)</source>
      <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/check_data.py" line="63" />
      <source>Number of warnings</source>
      <translation>Anzahl der Warnungen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/check_data.py" line="64" />
      <source>Criteria that would not be assessed</source>
      <translation>Kriterien, die nicht geprüft würden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/dask_setting.py" line="35" />
      <source>“{address}” is no Dask scheduler: give tcp://HOST:PORT, local:N (N worker processes on this computer), or leave it empty.</source>
      <translation>„{address}“ ist kein Dask-Scheduler: tcp://HOST:PORT angeben, local:N (N Worker-Prozesse auf diesem Rechner) oder leer lassen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/dask_setting.py" line="37" />
      <source>“{address}” is no Dask scheduler address: give tcp://HOST:PORT, or leave it empty.</source>
      <translation>„{address}“ ist keine Adresse eines Dask-Schedulers: tcp://HOST:PORT angeben oder leer lassen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="39" />
      <source>Floating PV on lakes</source>
      <translation>Schwimmende PV auf Seen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="43" />
      <source>Water surfaces [polygons] (OSM natural=water, or a layer of the qualifying lakes)</source>
      <translation>Wasserflächen [Polygone] (OSM natural=water oder ein Layer der geeigneten Seen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="46" />
      <source>Which lakes qualify (WHG § 36 (3): artificial or heavily modified waters only)</source>
      <translation>Welche Seen in Frage kommen (§ 36 Abs. 3 WHG: nur künstliche oder erheblich veränderte Gewässer)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="47" />
      <source>OSM reservoirs and basins (water=reservoir|basin) and the lakes named below</source>
      <translation>OSM-Speicher und -Becken (water=reservoir|basin) und die unten genannten Seen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="48" />
      <source>every feature of the layer (a layer of qualifying lakes)</source>
      <translation>jedes Objekt des Layers (ein Layer geeigneter Seen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="50" />
      <source>Also these lakes by name, comma-separated (flooded open-cast mines OSM tags water=lake)</source>
      <translation>Zusätzlich diese Seen nach Namen, durch Komma getrennt (geflutete Tagebaue erfasst OSM als water=lake)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="53" />
      <source>Distance to every shore [m] (WHG § 36 (3): at least 40)</source>
      <translation>Abstand zu jedem Ufer [m] (§ 36 Abs. 3 WHG: mindestens 40)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="56" />
      <source>Largest share of a lake's surface [%] (WHG § 36 (3): at most 15)</source>
      <translation>Größter Anteil der Seefläche [%] (§ 36 Abs. 3 WHG: höchstens 15)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="59" />
      <source>Smallest field [ha]</source>
      <translation>Kleinstes Feld [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="62" />
      <source>Municipalities [polygons] (optional: each field is assigned to one)</source>
      <translation>Gemeinden [Polygone] (optional: jedes Feld wird einer zugeordnet)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="65" />
      <source>Municipality name field</source>
      <translation>Feld mit dem Gemeindenamen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="70" />
      <source>Floating PV fields [polygons]</source>
      <translation>Felder schwimmender PV [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="72" />
      <source>Fields per lake (CSV)</source>
      <translation>Felder je See (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="74" />
      <source>Installable capacity [MWp]</source>
      <translation>Installierbare Leistung [MWp]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="75" />
      <source>Annual energy [GWh/a]</source>
      <translation>Jahresenergie [GWh/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="76" />
      <source>Number of fields [-]</source>
      <translation>Anzahl der Felder [-]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/floating_pv.py" line="98" />
      <source>{lake}: {ha:.1f} ha of {lake_ha:.1f} ha ({share:.1f} %), {mwp:.1f} MWp, {gwh:.1f} GWh/a</source>
      <translation>{lake}: {ha:.1f} ha von {lake_ha:.1f} ha ({share:.1f} %), {mwp:.1f} MWp, {gwh:.1f} GWh/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="69" />
      <source>Grid connection</source>
      <translation>Netzanschluss</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="73" />
      <source>Candidate sites [polygons or points]</source>
      <translation>Standorte [Polygone oder Punkte]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="75" />
      <source>Capacity field [MW]</source>
      <translation>Leistungsfeld [MW]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="78" />
      <source>Or: the same capacity for every site [MW]</source>
      <translation>Oder: dieselbe Leistung für jeden Standort [MW]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="81" />
      <source>Or: capacity from the area, area per MW [ha]</source>
      <translation>Oder: Leistung aus der Fläche, Fläche je MW [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="84" />
      <source>Site id field (empty: site_id if present, else the row number)</source>
      <translation>Feld mit der Standortkennung (leer: site_id, falls vorhanden, sonst die Zeilennummer)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="87" />
      <source>Terrain cost factor field (≥ 1 on difficult ground)</source>
      <translation>Feld mit dem Geländekostenfaktor (≥ 1 bei schwierigem Gelände)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="90" />
      <source>Substations [polygons or points, OSM power=substation]</source>
      <translation>Umspannwerke [Polygone oder Punkte, OSM power=substation]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="92" />
      <source>Free capacity field of the substations [MW]</source>
      <translation>Feld mit der freien Kapazität der Umspannwerke [MW]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="93" />
      <source>Substation voltage field (volts, OSM style)</source>
      <translation>Spannungsfeld der Umspannwerke (Volt, wie in OSM)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="94" />
      <source>Substation name field</source>
      <translation>Namensfeld der Umspannwerke</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="99" />
      <source>Free capacity assumed where the field is empty [MW]</source>
      <translation>Angenommene freie Kapazität bei leerem Feld [MW]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="102" />
      <source>Routing</source>
      <translation>Trassenführung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="103" />
      <source>along the road network</source>
      <translation>entlang des Straßennetzes</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="103" />
      <source>least-cost path over a cost raster</source>
      <translation>kostengünstigster Pfad über ein Kostenraster</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="105" />
      <source>Roads [lines, OSM highway=*]</source>
      <translation>Straßen [Linien, OSM highway=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="107" />
      <source>Road class field</source>
      <translation>Feld mit der Straßenklasse</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="110" />
      <source>Cost raster (factor per cell: 1 farmland, higher harder, ≤ 0 or nodata impassable)</source>
      <translation>Kostenraster (Faktor je Zelle: 1 Ackerland, höher schwieriger, ≤ 0 oder NoData unpassierbar)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="114" />
      <source>Connection costs preset</source>
      <translation>Vorgabe Anschlusskosten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="119" />
      <source>Connection costs file (YAML, replaces the preset)</source>
      <translation>Datei mit Anschlusskosten (YAML, ersetzt die Vorgabe)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="120" />
      <source>YAML files (*.yaml *.yml)</source>
      <translation>YAML-Dateien (*.yaml *.yml)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="122" />
      <source>Allocation</source>
      <translation>Zuordnung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="123" />
      <source>minimum-cost flow (no substation overloaded, least total cost)</source>
      <translation>Mindestkostenfluss (kein Umspannwerk überlastet, geringste Gesamtkosten)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="124" />
      <source>greedy (each site in turn takes its cheapest substation with room)</source>
      <translation>gierig (jeder Standort nimmt der Reihe nach sein günstigstes Umspannwerk mit Platz)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="127" />
      <source>Power lines for the topology report [lines, OSM power=line]</source>
      <translation>Stromleitungen für den Topologiebericht [Linien, OSM power=line]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="130" />
      <source>Voltage field of the power lines</source>
      <translation>Spannungsfeld der Stromleitungen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="133" />
      <source>Snap tolerance of the topology check [m]</source>
      <translation>Fangtoleranz der Topologieprüfung [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="137" />
      <source>Connection lines [lines]</source>
      <translation>Anschlusstrassen [Linien]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="139" />
      <source>Sites with connection cost</source>
      <translation>Standorte mit Anschlusskosten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="141" />
      <source>Site table (CSV)</source>
      <translation>Standorttabelle (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="144" />
      <source>Substation load</source>
      <translation>Auslastung der Umspannwerke</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="146" />
      <source>Topology report [points] (needs the power lines)</source>
      <translation>Topologiebericht [Punkte] (braucht die Stromleitungen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="149" />
      <source>Connected capacity [MW]</source>
      <translation>Angeschlossene Leistung [MW]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="150" />
      <source>Capacity not connected [MW]</source>
      <translation>Nicht angeschlossene Leistung [MW]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="151" />
      <source>Sites not (fully) connected</source>
      <translation>Nicht (vollständig) angeschlossene Standorte</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="152" />
      <source>Connection cost [€]</source>
      <translation>Anschlusskosten [€]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="153" />
      <source>Connection cost per connected kW [€/kW]</source>
      <translation>Anschlusskosten je angeschlossenem kW [€/kW]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="154" />
      <source>Cost of the greedy allocation, for comparison [€]</source>
      <translation>Kosten der gierigen Zuordnung, zum Vergleich [€]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="236" />
      <source>{connected:.1f} MW of {capacity:.1f} MW connected for {cost:,.0f} € ({per_kw:.1f} €/kW)</source>
      <translation>{connected:.1f} MW von {capacity:.1f} MW angeschlossen für {cost:,.0f} € ({per_kw:.1f} €/kW)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="242" />
      <source>Greedy allocation for comparison: {connected:.1f} MW for {cost:,.0f} €</source>
      <translation>Gierige Zuordnung zum Vergleich: {connected:.1f} MW für {cost:,.0f} €</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="245" />
      <source>Sites {status}: {count}</source>
      <translation>Standorte {status}: {count}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="248" />
      <source>{name}: {allocated:.1f} MW of {free:.1f} MW free capacity allocated</source>
      <translation>{name}: {allocated:.1f} MW von {free:.1f} MW freier Kapazität zugeteilt</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_connection.py" line="252" />
      <source>Topology: {issues}</source>
      <translation>Topologie: {issues}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="44" />
      <source>Grid topology check</source>
      <translation>Netztopologie prüfen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="48" />
      <source>Power lines [lines, OSM power=line, voltage]</source>
      <translation>Freileitungen [Linien, OSM power=line, voltage]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="50" />
      <source>Voltage field (volts, OSM style: 110000;20000)</source>
      <translation>Spannungsfeld (Volt, wie in OSM: 110000;20000)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="56" />
      <source>Substation voltage field</source>
      <translation>Spannungsfeld der Umspannwerke</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="62" />
      <source>Snap tolerance [m]</source>
      <translation>Fangtoleranz [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="64" />
      <source>Substation tolerance [m] (empty: the snap tolerance)</source>
      <translation>Toleranz am Umspannwerk [m] (leer: die Fangtoleranz)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="68" />
      <source>Topology report [points]</source>
      <translation>Topologiebericht [Punkte]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="70" />
      <source>Cleaned power lines [lines]</source>
      <translation>Bereinigte Stromleitungen [Linien]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="73" />
      <source>Dangling line ends</source>
      <translation>Offene Leitungsenden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="73" />
      <source>Isolated grid parts</source>
      <translation>Isolierte Netzteile</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="74" />
      <source>Lines without voltage</source>
      <translation>Leitungen ohne Spannung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="74" />
      <source>Line ends snapped</source>
      <translation>Gefangene Leitungsenden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="75" />
      <source>Substations without lines</source>
      <translation>Umspannwerke ohne Leitungen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="76" />
      <source>Connected grid parts</source>
      <translation>Zusammenhängende Netzteile</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="76" />
      <source>Line length [km]</source>
      <translation>Leitungslänge [km]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="97" />
      <source>{length:.1f} km of lines in {pieces} pieces, {components} connected part(s), voltage levels {levels} kV</source>
      <translation>{length:.1f} km Leitungen in {pieces} Stücken, {components} zusammenhängende(r) Teil(e), Spannungsebenen {levels} kV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/grid_topology_check.py" line="102" />
      <source>{kind}: {count}</source>
      <translation>{kind}: {count}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="57" />
      <source>Criteria preset</source>
      <translation>Kriterien-Preset</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="62" />
      <source>Criteria catalogue file (YAML, replaces the preset)</source>
      <translation>Kriterienkatalog-Datei (YAML, ersetzt das Preset)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="81" />
      <source>Area of interest: municipalities [polygons]</source>
      <translation>Untersuchungsgebiet: Gemeinden [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="87" />
      <source>Municipality key field (AGS)</source>
      <translation>Feld mit dem Gemeindeschlüssel (AGS)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="90" />
      <source>Only these municipalities (comma-separated names)</source>
      <translation>Nur diese Gemeinden (Namen, kommagetrennt)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="111" />
      <source>Working CRS (projected, in metres)</source>
      <translation>Arbeits-KBS (projiziert, in Metern)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="118" />
      <source>The working CRS “{crs}” is not a projected CRS in metres; setbacks and areas are measured in metres. Choose EPSG:25832 (ETRS89 / UTM 32N, Sachsen-Anhalt and Thüringen) or EPSG:25833 (ETRS89 / UTM 33N, Sachsen).</source>
      <translation>Das Arbeits-KBS „{crs}“ ist kein projiziertes KBS in Metern; Abstände und Flächen werden in Metern gemessen. Wählen Sie EPSG:25832 (ETRS89 / UTM 32N, Sachsen-Anhalt und Thüringen) oder EPSG:25833 (ETRS89 / UTM 33N, Sachsen).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="142" />
      <source>DC losses (empty: the itemised PVWatts defaults, 14.1) [%]</source>
      <translation>DC-Verluste (leer: die einzeln aufgeführten PVWatts-Standardwerte, 14,1) [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="150" />
      <source>Weather file (PVGIS TMY, EPW or CSV; empty: DWD test reference year)</source>
      <translation>Wetterdatei (PVGIS-TMY, EPW oder CSV; leer: DWD-Testreferenzjahr)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="151" />
      <source>Weather files (*.csv *.json *.epw)</source>
      <translation>Wetterdateien (*.csv *.json *.epw)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="154" />
      <source>DWD TRY climate region 1–15 (0: the region of each site) [-]</source>
      <translation>DWD-TRY-Klimaregion 1–15 (0: die Region des jeweiligen Standorts) [-]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="163" />
      <source>Give either a weather file or a TRY region, not both.</source>
      <translation>Geben Sie entweder eine Wetterdatei oder eine TRY-Region an, nicht beides.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="184" />
      <source>Turbine (windpowerlib power curve or preset)</source>
      <translation>Anlage (Leistungskennlinie aus windpowerlib oder Vorlage)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="189" />
      <source>Turbine file (YAML with power curve, replaces the turbine)</source>
      <translation>Anlagendatei (YAML mit Leistungskennlinie, ersetzt die Anlage)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="192" />
      <source>Hub height [m] (empty: the turbine's)</source>
      <translation>Nabenhöhe [m] (leer: die der Anlage)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="205" />
      <source>Mean wind speed 100 m above ground [raster, m/s]</source>
      <translation>Mittlere Windgeschwindigkeit 100 m über Grund [Raster, m/s]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="206" />
      <source>Mean wind speed 150 m above ground [raster, m/s]</source>
      <translation>Mittlere Windgeschwindigkeit 150 m über Grund [Raster, m/s]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="207" />
      <source>Elevation model [raster, m above sea level]</source>
      <translation>Höhenmodell [Raster, m ü. NHN]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="209" />
      <source>Land use, forest and settlement areas [polygons, OSM landuse=*]</source>
      <translation>Landnutzung, Wald und Siedlungsflächen [Polygone, OSM landuse=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="210" />
      <source>Water bodies [polygons, OSM natural=water]</source>
      <translation>Gewässerflächen [Polygone, OSM natural=water]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="213" />
      <source>Weibull shape k [-] (0: fit to the weather)</source>
      <translation>Weibull-Formparameter k [-] (0: an das Wetter angepasst)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="216" />
      <source>Weibull shape k [raster, -] (replaces the number)</source>
      <translation>Weibull-Formparameter k [Raster, -] (ersetzt die Zahl)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="218" />
      <source>Weather: DWD TRY region (1–15) or weather file (empty: TRY region of the area)</source>
      <translation>Wetter: DWD-TRY-Region (1–15) oder Wetterdatei (leer: TRY-Region des Gebiets)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="220" />
      <source>Availability loss [%]</source>
      <translation>Verfügbarkeitsverlust [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="221" />
      <source>Electrical loss [%]</source>
      <translation>Elektrische Verluste [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="222" />
      <source>Curtailment and other losses [%]</source>
      <translation>Abschaltungen und sonstige Verluste [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="251" />
      <source>wind (turbine layout)</source>
      <translation>Wind (Anlagenlayout)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="251" />
      <source>ground-mounted PV</source>
      <translation>Freiflächen-PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="252" />
      <source>agrivoltaics</source>
      <translation>Agri-PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="252" />
      <source>rooftop PV</source>
      <translation>Dach-PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="252" />
      <source>floating PV</source>
      <translation>Schwimmende PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="260" />
      <source>Corridors along motorways and railways</source>
      <translation>Korridore an Autobahnen und Schienenwegen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="261" />
      <source>Conversion land (mining land, spoil heaps, brownfields)</source>
      <translation>Konversionsflächen (Bergbaufolgeland, Halden, Brachen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="262" />
      <source>Farmland in disadvantaged areas</source>
      <translation>Acker- und Grünland in benachteiligten Gebieten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="263" />
      <source>Agri-PV on farmland (counted only)</source>
      <translation>Agri-PV auf Acker- und Grünland (nur gezählt)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="264" />
      <source>Parking lots (solar carports)</source>
      <translation>Parkplatz-PV (Solarcarports)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="275" />
      <source>Data sources: OSM, QuickOSM, Geofabrik, ATKIS, ALKIS or authority layers (read by their schema)</source>
      <translation>Datenquellen: OSM, QuickOSM, Geofabrik, ATKIS, ALKIS oder Fachbehörden-Layer (nach ihrem Schema gelesen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="296" />
      <source>Data source “{layer}”: its filter is not applied; every feature of {path} is read by the source profile.</source>
      <translation>Datenquelle „{layer}“: ihr Filter wird nicht angewandt; das Quellprofil liest jedes Objekt von {path}.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="316" />
      <source>Criteria kinds to exclude</source>
      <translation>Auszuschließende Kriterienarten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="317" />
      <source>hard</source>
      <translation>hart</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="317" />
      <source>soft</source>
      <translation>weich</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="317" />
      <source>case by case</source>
      <translation>Einzelfall</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="328" />
      <source>Setback to settlements [m] (replaces the preset's)</source>
      <translation>Abstand zu Siedlungen [m] (ersetzt den des Presets)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="334" />
      <source>Criteria with their own layer (criterion id → layer; every feature of the layer counts)</source>
      <translation>Kriterien mit eigenem Layer (Kriteriums-ID → Layer; jedes Objekt des Layers zählt)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="336" />
      <source>Criterion id</source>
      <translation>Kriteriums-ID</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="336" />
      <source>Layer (file, or name of a project layer)</source>
      <translation>Layer (Datei oder Name eines Layers im Projekt)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="350" />
      <source>“{parameter}”: give pairs of criterion id and layer.</source>
      <translation>„{parameter}“: Bitte Paare aus Kriteriums-ID und Layer angeben.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="358" />
      <source>“{parameter}”, row {row}: give both the criterion id and the layer.</source>
      <translation>„{parameter}“, Zeile {row}: Bitte sowohl die Kriteriums-ID als auch den Layer angeben.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="362" />
      <source>“{parameter}”, row {row}: cannot open the layer “{value}” (give a file path or the name of a layer of the project).</source>
      <translation>„{parameter}“, Zeile {row}: Der Layer „{value}“ lässt sich nicht öffnen (einen Dateipfad oder den Namen eines Layers des Projekts angeben).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="376" />
      <source>Choose at least one kind of criteria to exclude.</source>
      <translation>Wählen Sie mindestens eine auszuschließende Kriterienart.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="383" />
      <source>Give the area of interest “{label}” (AOI), or a data source with administrative boundaries (an OSM file or layer).</source>
      <translation>Geben Sie das Untersuchungsgebiet „{label}“ (AOI) an oder eine Datenquelle mit Verwaltungsgrenzen (eine OSM-Datei oder einen OSM-Layer).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="404" />
      <source>Reference turbine: hub height [m]</source>
      <translation>Referenzanlage: Nabenhöhe [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="405" />
      <source>Reference turbine: rotor diameter [m]</source>
      <translation>Referenzanlage: Rotordurchmesser [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="406" />
      <source>Tower-foot radius [m]</source>
      <translation>Turmfußradius [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/inputs.py" line="415" />
      <source>reference turbine</source>
      <translation>Referenzanlage</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="73" />
      <source>Land eligibility</source>
      <translation>Flächeneignung (Tabuzonen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="84" />
      <source>Minimum area of an eligible patch [ha]</source>
      <translation>Mindestgröße einer geeigneten Teilfläche [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="87" />
      <source>Refuse to run if a criterion's layer is missing (otherwise: not assessed)</source>
      <translation>Lauf verweigern, wenn die Ebene eines Kriteriums fehlt (sonst: nicht bewertet)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="90" />
      <source>Invalid geometries</source>
      <translation>Ungültige Geometrien</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="91" />
      <source>refuse</source>
      <translation>verweigern</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="91" />
      <source>repair</source>
      <translation>reparieren</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="91" />
      <source>leave out</source>
      <translation>weglassen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="93" />
      <source>Dask scheduler for the tiles (empty: this computer)</source>
      <translation>Dask-Scheduler für die Kacheln (leer: dieser Rechner)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="96" />
      <source>Eligibility raster (1 eligible, 0 excluded)</source>
      <translation>Eignungsraster (1 geeignet, 0 ausgeschlossen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="98" />
      <source>Exclusion reasons raster</source>
      <translation>Raster der Ausschlussgründe</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="103" />
      <source>Eligible areas [polygons]</source>
      <translation>Geeignete Flächen [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="106" />
      <source>Table per municipality (CSV)</source>
      <translation>Tabelle je Gemeinde (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="108" />
      <source>Eligible area [ha]</source>
      <translation>Geeignete Fläche [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="109" />
      <source>Total area [ha]</source>
      <translation>Gesamtfläche [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="110" />
      <source>Eligible share [%]</source>
      <translation>Geeigneter Anteil [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="138" />
      <source>Not assessed: criterion “{criterion}” (layer role “{role}”: {reason}).</source>
      <translation>Nicht bewertet: Kriterium „{criterion}“ (Ebenenrolle „{role}“: {reason}).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="141" />
      <source>{name}: {eligible:.1f} ha eligible of {total:.1f} ha ({pct:.2f} %)</source>
      <translation>{name}: {eligible:.1f} ha geeignet von {total:.1f} ha ({pct:.2f} %)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="87" />
      <source>Municipal energy profile</source>
      <translation>Kommunales Energieprofil</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="98" />
      <source>Population field</source>
      <translation>Feld mit der Einwohnerzahl</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="101" />
      <source>Wind criteria preset (none: no wind areas)</source>
      <translation>Kriterienkatalog Wind (none: keine Windflächen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="102" />
      <source>Ground-mounted PV criteria preset (none: no PV areas)</source>
      <translation>Kriterienkatalog Freiflächen-PV (none: keine PV-Flächen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="109" />
      <source>Wind: settlement setback [m] (empty: the preset's)</source>
      <translation>Wind: Siedlungsabstand [m] (leer: der Vorgabe)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="114" />
      <source>Wind: turbine (windpowerlib power curve or preset)</source>
      <translation>Wind: Anlage (Leistungskurve aus windpowerlib oder Vorgabe)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="119" />
      <source>Ground-mounted PV: land categories that open land</source>
      <translation>Freiflächen-PV: Flächenkategorien, die Flächen öffnen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="133" />
      <source>Reuse computed sites: {source} (site_id, municipality, capacity_mw, energy_mwh_per_a)</source>
      <translation>Berechnete Standorte übernehmen: {source} (site_id, municipality, capacity_mw, energy_mwh_per_a)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="136" />
      <source>Lakes where floating PV is allowed (artificial or heavily modified, e.g. flooded open-cast mines; empty: the reservoirs and basins of the water layer)</source>
      <translation>Seen, auf denen schwimmende PV zulässig ist (künstlich oder erheblich verändert, z. B. geflutete Tagebaue; leer: die Speicher und Becken des Gewässer-Layers)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="140" />
      <source>Trade-tax multiplier field (Hebesatz, e.g. 400)</source>
      <translation>Feld mit dem Gewerbesteuer-Hebesatz (z. B. 400)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="143" />
      <source>Trade-tax multiplier where the field gives none [%] (empty: the cost table's)</source>
      <translation>Hebesatz, wo das Feld keinen angibt [%] (leer: der der Kostentabelle)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="146" />
      <source>Cost table (YAML; empty: the shipped economics table)</source>
      <translation>Kostentabelle (YAML; leer: die mitgelieferte Tabelle)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="147" />
      <source>YAML files (*.yml *.yaml)</source>
      <translation>YAML-Dateien (*.yml *.yaml)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="149" />
      <source>Demand scenarios 2030 and 2045 (heat pumps, electric cars) with the storage for 80 and 90 % self-sufficiency</source>
      <translation>Bedarfsszenarien 2030 und 2045 (Wärmepumpen, Elektroautos) mit dem Speicher für 80 und 90 % Eigenversorgung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="152" />
      <source>Demand scenario file (YAML; empty: the shipped scenarios)</source>
      <translation>Datei der Bedarfsszenarien (YAML; leer: die mitgelieferten Szenarien)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="155" />
      <source>Demand table (CSV: name or ags, MWh/a per sector or total_mwh)</source>
      <translation>Bedarfstabelle (CSV: name oder ags, MWh/a je Sektor oder total_mwh)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="158" />
      <source>Top sites per municipality [-]</source>
      <translation>Beste Standorte je Gemeinde [-]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="160" />
      <source>Report language</source>
      <translation>Sprache der Berichte</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="160" />
      <source>German</source>
      <translation>Deutsch</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="160" />
      <source>English</source>
      <translation>Englisch</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="162" />
      <source>Chart of the wind area share by settlement setback, 400–1500 m (50 m grid)</source>
      <translation>Diagramm des Windflächenanteils nach Abstand zu Siedlungen, 400–1500 m (50-m-Raster)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="165" />
      <source>Rotor inside the wind areas (rotor-in): the turbine layout and the WindBG accounting</source>
      <translation>Rotor innerhalb der Windflächen (Rotor-in): Anlagenlayout und WindBG-Anrechnung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="168" />
      <source>Land, where the municipality key (AGS) does not tell</source>
      <translation>Land, wo der Gemeindeschlüssel (AGS) es nicht angibt</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="172" />
      <source>Reuse outputs of an earlier run in the output folder (same catalogue, grid and area)</source>
      <translation>Ergebnisse eines früheren Laufs im Ausgabeordner wiederverwenden (gleicher Katalog, gleiches Raster, gleiches Gebiet)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="175" />
      <source>Profile report (overview)</source>
      <translation>Profilbericht (Übersicht)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="176" />
      <source>Indicators per municipality (CSV)</source>
      <translation>Kennzahlen je Gemeinde (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="179" />
      <source>Number of municipalities</source>
      <translation>Anzahl der Gemeinden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="225" />
      <source>Give the municipalities layer.</source>
      <translation>Geben Sie die Gemeindeebene an.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/municipal_profile.py" line="284" />
      <source>{name}: {area} ha, demand {demand} GWh/a, energy {energy} GWh/a</source>
      <translation>{name}: {area} ha, Bedarf {demand} GWh/a, Ertrag {energy} GWh/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="57" />
      <source> The server said: {remark}</source>
      <translation> Der Server meldet: {remark}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="61" />
      <source>Cannot reach the Overpass server {server}: no connection ({reason}). Check the internet connection and the proxy settings (Settings → Options → Network), or load a Geofabrik extract ({geofabrik}) and give it as a source instead.</source>
      <translation>Der Overpass-Server {server} ist nicht erreichbar: keine Verbindung ({reason}). Die Internetverbindung und die Proxy-Einstellungen prüfen (Einstellungen → Optionen → Netzwerk) oder stattdessen einen Geofabrik-Auszug ({geofabrik}) laden und als Quelle angeben.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="65" />
      <source>The Overpass server {server} did not answer in time. The area may be too large for one query: select fewer municipalities, try again later, use another Overpass server (e.g. {others}), or load a Geofabrik extract ({geofabrik}) instead.</source>
      <translation>Der Overpass-Server {server} hat nicht rechtzeitig geantwortet. Das Gebiet ist für eine Abfrage vielleicht zu groß: weniger Gemeinden wählen, es später erneut versuchen, einen anderen Overpass-Server nutzen (z. B. {others}) oder stattdessen einen Geofabrik-Auszug ({geofabrik}) laden.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="69" />
      <source>The Overpass server {server} is busy (HTTP 429: too many requests).{said} Try again in a few minutes, use another Overpass server (e.g. {others}), or load a Geofabrik extract ({geofabrik}) instead.</source>
      <translation>Der Overpass-Server {server} ist ausgelastet (HTTP 429: zu viele Anfragen).{said} In einigen Minuten erneut versuchen, einen anderen Overpass-Server nutzen (z. B. {others}) oder stattdessen einen Geofabrik-Auszug ({geofabrik}) laden.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="73" />
      <source>The Overpass server {server} is overloaded (HTTP 504: gateway timeout).{said} Try again later, use another Overpass server (e.g. {others}), or load a Geofabrik extract ({geofabrik}) instead.</source>
      <translation>Der Overpass-Server {server} ist überlastet (HTTP 504: Gateway-Zeitüberschreitung).{said} Später erneut versuchen, einen anderen Overpass-Server nutzen (z. B. {others}) oder stattdessen einen Geofabrik-Auszug ({geofabrik}) laden.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="77" />
      <source>The Overpass server {server} refused the query (HTTP {status}).{said} Check the server URL, try again later, use another Overpass server (e.g. {others}), or load a Geofabrik extract ({geofabrik}) instead.</source>
      <translation>Der Overpass-Server {server} hat die Abfrage abgelehnt (HTTP {status}).{said} Die Server-URL prüfen, später erneut versuchen, einen anderen Overpass-Server nutzen (z. B. {others}) oder stattdessen einen Geofabrik-Auszug ({geofabrik}) laden.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="81" />
      <source>The Overpass server {server} stopped the query.{said} Select fewer municipalities, try again later, use another Overpass server (e.g. {others}), or load a Geofabrik extract ({geofabrik}) instead.</source>
      <translation>Der Overpass-Server {server} hat die Abfrage abgebrochen.{said} Weniger Gemeinden wählen, später erneut versuchen, einen anderen Overpass-Server nutzen (z. B. {others}) oder stattdessen einen Geofabrik-Auszug ({geofabrik}) laden.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="84" />
      <source>The answer of {server} is not OSM data (is the URL an Overpass API “interpreter” endpoint?).{said} Check the server URL, use another Overpass server (e.g. {others}), or load a Geofabrik extract ({geofabrik}) instead.</source>
      <translation>Die Antwort von {server} sind keine OSM-Daten (ist die URL ein „interpreter“-Endpunkt der Overpass-API?).{said} Die Server-URL prüfen, einen anderen Overpass-Server nutzen (z. B. {others}) oder stattdessen einen Geofabrik-Auszug ({geofabrik}) laden.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="109" />
      <source>Download OSM data for the area</source>
      <translation>OSM-Daten für das Gebiet laden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="116" />
      <source>Overpass server (API interpreter URL)</source>
      <translation>Overpass-Server (URL des API-Interpreters)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="119" />
      <source>OSM data, one layer per role (GeoPackage)</source>
      <translation>OSM-Daten, ein Layer je Rolle (GeoPackage)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="119" />
      <source>GeoPackage (*.gpkg)</source>
      <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="121" />
      <source>Downloaded OSM XML (empty: next to the GeoPackage)</source>
      <translation>Heruntergeladene OSM-XML-Datei (leer: neben dem GeoPackage)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="122" />
      <source>OSM XML (*.osm)</source>
      <translation>OSM-XML (*.osm)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="123" />
      <source>OSM nodes</source>
      <translation>OSM-Knoten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="123" />
      <source>OSM ways</source>
      <translation>OSM-Wege</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="124" />
      <source>OSM relations</source>
      <translation>OSM-Relationen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="124" />
      <source>Margin around the area [m]</source>
      <translation>Rand um das Gebiet [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="131" />
      <source>“{url}” is no Overpass server URL: give the API endpoint, e.g. {default}.</source>
      <translation>„{url}“ ist keine Overpass-Server-URL: den API-Endpunkt angeben, z. B. {default}.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="145" />
      <source>Margin around the municipalities: {margin:,.0f} m (largest setback: {criterion}); layers: {roles}</source>
      <translation>Rand um die Gemeinden: {margin:,.0f} m (größter Abstand: {criterion}); Layer: {roles}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/osm_download.py" line="163" />
      <source>{role}: {n} feature(s)</source>
      <translation>{role}: {n} Objekt(e)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/plan_area_accounting.py" line="44" />
      <source>Designated wind areas of a plan</source>
      <translation>Windflächen eines Plans bilanzieren</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/plan_area_accounting.py" line="48" />
      <source>Designated wind areas of the plan [polygons] (Vorranggebiete, Windenergiegebiete)</source>
      <translation>Ausgewiesene Windflächen des Plans [Polygone] (Vorranggebiete, Windenergiegebiete)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/plan_area_accounting.py" line="52" />
      <source>Exclusion reasons raster of a wind eligibility run (optional: which criteria exclude designated land)</source>
      <translation>Ausschlussgründe-Raster einer Wind-Flächeneignung (optional: welche Kriterien ausgewiesene Flächen ausschließen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/plan_area_accounting.py" line="59" />
      <source>The plan requires the rotor inside its areas (rotor-in, WindBG § 4)</source>
      <translation>Der Plan verlangt den Rotor innerhalb seiner Flächen (Rotor-in, WindBG § 4)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/plan_area_accounting.py" line="63" />
      <source>Designated areas per municipality (CSV)</source>
      <translation>Ausgewiesene Flächen je Gemeinde (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/plan_area_accounting.py" line="65" />
      <source>Designated land excluded per criterion (CSV)</source>
      <translation>Ausgeschlossene ausgewiesene Fläche je Kriterium (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/plan_area_accounting.py" line="67" />
      <source>Designated area [ha]</source>
      <translation>Ausgewiesene Fläche [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/plan_area_accounting.py" line="68" />
      <source>Counted share of the area [%]</source>
      <translation>Angerechneter Flächenanteil [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/plan_area_accounting.py" line="70" />
      <source>Designated area outside the eligible land [ha]</source>
      <translation>Ausgewiesene Fläche außerhalb der geeigneten Fläche [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/plan_area_accounting.py" line="87" />
      <source>{name}: {designated:.1f} ha designated, {counted:.1f} ha counted = {pct:.2f} % (target {t27:g} % 2027, {t32:g} % 2032)</source>
      <translation>{name}: {designated:.1f} ha ausgewiesen, {counted:.1f} ha angerechnet = {pct:.2f} % (Ziel {t27:g} % 2027, {t32:g} % 2032)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/plan_area_accounting.py" line="93" />
      <source>Designated land excluded by “{criterion}”: {ha:.1f} ha</source>
      <translation>Ausgewiesene Fläche, ausgeschlossen durch „{criterion}“: {ha:.1f} ha</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="35" />
      <source>Settlement areas from another source [polygons, e.g. ATKIS Ortslage]</source>
      <translation>Siedlungsflächen aus anderer Quelle [Polygone, z. B. ATKIS Ortslage]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="36" />
      <source>Forest from another source [polygons]</source>
      <translation>Wald aus anderer Quelle [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="37" />
      <source>Buildings [polygons or points, OSM building=*]</source>
      <translation>Gebäude [Polygone oder Punkte, OSM building=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="39" />
      <source>Railways [lines, OSM railway=*]</source>
      <translation>Bahnstrecken [Linien, OSM railway=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="43" />
      <source>Watercourses [lines, OSM waterway=*]</source>
      <translation>Fließgewässer [Linien, OSM waterway=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="44" />
      <source>Protected areas [polygons, OSM boundary=protected_area]</source>
      <translation>Schutzgebiete [Polygone, OSM boundary=protected_area]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="45" />
      <source>Airfields [polygons or points, OSM aeroway=aerodrome]</source>
      <translation>Flugplätze [Polygone oder Punkte, OSM aeroway=aerodrome]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="46" />
      <source>Existing wind turbines [points, OSM generator:source=wind]</source>
      <translation>Bestehende Windenergieanlagen [Punkte, OSM generator:source=wind]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="47" />
      <source>Existing PV parks [polygons, OSM plant:source=solar]</source>
      <translation>Bestehende PV-Freiflächenanlagen [Polygone, OSM plant:source=solar]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="48" />
      <source>Nests of collision-prone birds [points, species field; BNatSchG § 45b]</source>
      <translation>Brutplätze kollisionsgefährdeter Vögel [Punkte, Feld der Art; BNatSchG § 45b]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="49" />
      <source>Parking lots [polygons, OSM amenity=parking] (PV category parking)</source>
      <translation>Parkplätze [Polygone, OSM amenity=parking] (PV-Kategorie Parkplatz)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="50" />
      <source>Disadvantaged areas (benachteiligte Gebiete) [polygons] (PV category under the Land ordinance)</source>
      <translation>Benachteiligte Gebiete [Polygone] (PV-Kategorie nach der Landesverordnung)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="104" />
      <source>Slope [raster, °] (derived from the elevation model if empty)</source>
      <translation>Hangneigung [Raster, °] (aus dem Höhenmodell abgeleitet, wenn leer)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="105" />
      <source>Aspect [raster, ° from north] (derived from the elevation model if empty)</source>
      <translation>Exposition [Raster, ° ab Norden] (aus dem Höhenmodell abgeleitet, wenn leer)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="108" />
      <source>Soil quality [raster, Ackerzahl 0–100 points]</source>
      <translation>Bodengüte [Raster, Ackerzahl 0–100 Punkte]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="109" />
      <source>Land cover [raster, class codes: CORINE, LBM-DE, Copernicus] (for raster criteria)</source>
      <translation>Landbedeckung [Raster, Klassencodes: CORINE, LBM-DE, Copernicus] (für Rasterkriterien)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="135" />
      <source>“{parameter}”: cannot open the raster “{value}”.</source>
      <translation>„{parameter}“: Das Raster „{value}“ lässt sich nicht öffnen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="138" />
      <source>“{parameter}”: the raster “{layer}” is not a file read by GDAL (provider {provider}). Save it as GeoTIFF first (right-click → Export → Save As).</source>
      <translation>„{parameter}“: Das Raster „{layer}“ ist keine von GDAL gelesene Datei (Provider {provider}). Speichern Sie es zuerst als GeoTIFF (Rechtsklick → Exportieren → Speichern als).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/rooftop_solar.py" line="42" />
      <source>Rooftop solar potential</source>
      <translation>Dachflächen-Solarpotenzial</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/rooftop_solar.py" line="46" />
      <source>Building footprints [polygons] (OSM tags building, roof:shape, roof:angle …)</source>
      <translation>Gebäudegrundrisse [Polygone] (OSM-Tags building, roof:shape, roof:angle …)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/rooftop_solar.py" line="52" />
      <source>Rooftop PV per building [polygons]</source>
      <translation>Dach-PV je Gebäude [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/rooftop_solar.py" line="54" />
      <source>Rooftop PV per building (CSV)</source>
      <translation>Dach-PV je Gebäude (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/rooftop_solar.py" line="57" />
      <source>Totals per municipality (CSV)</source>
      <translation>Summen je Gemeinde (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/rooftop_solar.py" line="61" />
      <source>Usable roof area [ha]</source>
      <translation>Nutzbare Dachfläche [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/rooftop_solar.py" line="69" />
      <source>No totals per municipality: give the area of interest (municipalities).</source>
      <translation>Keine Summen je Gemeinde: geben Sie das Untersuchungsgebiet (Gemeinden) an.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/rooftop_solar.py" line="79" />
      <source>{n} of {total} buildings: {roof:.1f} ha usable roof, {mwp:.1f} MWp ({mw:.1f} MW AC), {gwh:.1f} GWh/a, {yield_:.0f} kWh/kWp/a</source>
      <translation>{n} von {total} Gebäuden: {roof:.1f} ha nutzbare Dachfläche, {mwp:.1f} MWp ({mw:.1f} MW AC), {gwh:.1f} GWh/a, {yield_:.0f} kWh/kWp/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="55" />
      <source>Setback sweep</source>
      <translation>Abstandsvariation</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="63" />
      <source>Criterion to vary (id; empty: the preset's settlement setback)</source>
      <translation>Zu variierendes Kriterium (ID; leer: der Siedlungsabstand des Presets)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="64" />
      <source>Smallest setback [m]</source>
      <translation>Kleinster Abstand [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="65" />
      <source>Largest setback [m]</source>
      <translation>Größter Abstand [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="66" />
      <source>Step [m]</source>
      <translation>Schrittweite [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="70" />
      <source>Variants without some criteria (ids comma-separated, variants separated by ;)</source>
      <translation>Varianten ohne einzelne Kriterien (IDs kommagetrennt, Varianten durch ; getrennt)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="77" />
      <source>Sweep table per municipality (CSV)</source>
      <translation>Tabelle der Abstandsvariation je Gemeinde (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="79" />
      <source>Chart (PNG or SVG)</source>
      <translation>Diagramm (PNG oder SVG)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="79" />
      <source>PNG images (*.png);;SVG images (*.svg)</source>
      <translation>PNG-Bilder (*.png);;SVG-Bilder (*.svg)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="81" />
      <source>Varied criterion</source>
      <translation>Variiertes Kriterium</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="91" />
      <source>all criteria</source>
      <translation>alle Kriterien</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="95" />
      <source>without {ids}</source>
      <translation>ohne {ids}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="106" />
      <source>Eligible share of the whole area by setback of “{criterion}”:</source>
      <translation>Geeigneter Anteil des ganzen Gebiets je Abstand von „{criterion}“:</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/setback_sweep.py" line="120" />
      <source>Give setbacks from ≤ to with a positive step, at most {max} of them (got from {start:g} m to {stop:g} m in steps of {step:g} m).</source>
      <translation>Geben Sie Abstände mit von ≤ bis und positiver Schrittweite an, höchstens {max} (angegeben: von {start:g} m bis {stop:g} m in Schritten von {step:g} m).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="60" />
      <source>Sites</source>
      <translation>Standorte</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="115" />
      <source>Place names</source>
      <translation>Ortsnamen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="206" />
      <source>Site maps (PDF)</source>
      <translation>Standortkarten (PDF)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="214" />
      <source>Municipalities [polygons] (profile_sites.gpkg, layer municipalities)</source>
      <translation>Gemeinden [Polygone] (profile_sites.gpkg, Ebene municipalities)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="219" />
      <source>Sites (profile_sites.gpkg, layer sites: municipality, source, energy_mwh_per_a)</source>
      <translation>Standorte (profile_sites.gpkg, Ebene sites: municipality, source, energy_mwh_per_a)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="222" />
      <source>Grid connection lines (profile_sites.gpkg, layer connections)</source>
      <translation>Netzanschlussleitungen (profile_sites.gpkg, Ebene connections)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="225" />
      <source>Eligible wind areas [polygons]</source>
      <translation>Potenzialflächen Wind [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="227" />
      <source>Eligible ground-mounted PV areas [polygons]</source>
      <translation>Potenzialflächen Freiflächen-PV [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="229" />
      <source>Suitability raster (score 0–100)</source>
      <translation>Eignungsraster (Bewertung 0–100)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="231" />
      <source>Base map: settlement areas [polygons, ATKIS Ortslage or OSM landuse=residential]</source>
      <translation>Grundkarte: Siedlungsflächen [Polygone, ATKIS Ortslage oder OSM landuse=residential]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="234" />
      <source>Base map: roads [lines, OSM highway=*]</source>
      <translation>Grundkarte: Straßen [Linien, OSM highway=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="236" />
      <source>Base map: water bodies [polygons]</source>
      <translation>Grundkarte: Gewässer [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="238" />
      <source>Base map: place names [points or polygons with a name field; default: the named settlement areas]</source>
      <translation>Grundkarte: Ortsnamen [Punkte oder Polygone mit Namensfeld; sonst die benannten Siedlungsflächen]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="241" />
      <source>Site pages per municipality [-]</source>
      <translation>Standortseiten je Gemeinde [-]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="243" />
      <source>Title</source>
      <translation>Titel</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="245" />
      <source>PDF files (*.pdf)</source>
      <translation>PDF-Dateien (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="246" />
      <source>Number of pages</source>
      <translation>Anzahl der Seiten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="269" />
      <source>“{parameter}”: cannot open the layer.</source>
      <translation>„{parameter}“: die Ebene lässt sich nicht öffnen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="276" />
      <source>“{output}”: the file must end in .pdf (got “{path}”).</source>
      <translation>„{output}“: die Datei muss auf .pdf enden (angegeben: „{path}“).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="287" />
      <source>Printing {n} pages</source>
      <translation>Drucke {n} Seiten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="296" />
      <source>The PDF could not be written: {error}</source>
      <translation>Die PDF-Datei konnte nicht geschrieben werden: {error}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="326" />
      <source>“{parameter}”: the layer has no name field ({fields}).</source>
      <translation>„{parameter}“: Die Ebene hat kein Namensfeld ({fields}).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="338" />
      <source>Settlement areas</source>
      <translation>Siedlungsflächen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="347" />
      <source>The municipalities layer has no field “{field}”.</source>
      <translation>Die Gemeindeebene hat kein Feld „{field}“.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="359" />
      <source>Suitability (0–100)</source>
      <translation>Eignung (0–100)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="370" />
      <source>Municipal boundary</source>
      <translation>Gemeindegrenze</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="376" />
      <source>Potential area wind</source>
      <translation>Potenzialfläche Wind</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="378" />
      <source>Potential area ground PV</source>
      <translation>Potenzialfläche Freiflächen-PV</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/site_maps.py" line="384" />
      <source>The municipalities layer has no features: nothing to print.</source>
      <translation>Die Gemeindeebene enthält keine Objekte: nichts zu drucken.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="31" />
      <source>Fixed south-facing racks</source>
      <translation>Feste Süd-Aufständerung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="31" />
      <source>East–west racks</source>
      <translation>Ost-West-Aufständerung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="31" />
      <source>Single-axis tracking (north–south axis)</source>
      <translation>Einachsige Nachführung (Nord-Süd-Achse)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="32" />
      <source>Agri-PV, vertical bifacial (east–west)</source>
      <translation>Agri-PV, senkrecht bifazial (Ost-West)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="32" />
      <source>Agri-PV, elevated</source>
      <translation>Agri-PV, hoch aufgeständert</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="53" />
      <source>Solar potential (ground/agri-PV)</source>
      <translation>Solarpotenzial (Freifläche/Agri-PV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="57" />
      <source>Eligibility raster (from Land eligibility)</source>
      <translation>Eignungsraster (aus Flächeneignung)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="59" />
      <source>Candidate sites [polygons] (from Suitability analysis or Land eligibility)</source>
      <translation>Standorte [Polygone] (aus Eignungsbewertung oder Flächeneignung)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="64" />
      <source>PV system</source>
      <translation>PV-Anlagentyp</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="66" />
      <source>Rack tilt (empty: the system's; fixed south: the optimum) [°]</source>
      <translation>Neigung der Gestelle (leer: die des Anlagentyps; Süd fest: das Optimum) [°]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="69" />
      <source>Ground coverage ratio (empty: the system's) [-]</source>
      <translation>Flächenbelegungsgrad (leer: der des Anlagentyps) [-]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="73" />
      <source>Racks follow the terrain slope and aspect (needs the elevation model)</source>
      <translation>Gestelle folgen Hangneigung und Exposition (braucht das Höhenmodell)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="76" />
      <source>Horizon shading from the elevation model (slower)</source>
      <translation>Horizontverschattung aus dem Höhenmodell (langsamer)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="78" />
      <source>Specific yield [kWh/kWp/a]</source>
      <translation>Spezifischer Ertrag [kWh/kWp/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="80" />
      <source>Capacity density [MWp/ha]</source>
      <translation>Leistungsdichte [MWp/ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="82" />
      <source>Energy density [MWh/ha/a]</source>
      <translation>Energiedichte [MWh/ha/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="84" />
      <source>Solar sites [polygons]</source>
      <translation>Solarstandorte [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="86" />
      <source>Solar sites table (CSV)</source>
      <translation>Tabelle der Solarstandorte (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="93" />
      <source>Mean specific yield [kWh/kWp/a]</source>
      <translation>Mittlerer spezifischer Ertrag [kWh/kWp/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="98" />
      <source>Give the eligibility raster written by “Land eligibility”.</source>
      <translation>Geben Sie das von „Flächeneignung“ geschriebene Eignungsraster an.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="105" />
      <source>No solar sites: give the candidate sites [polygons] to total them.</source>
      <translation>Keine Solarstandorte: geben Sie die Standorte [Polygone] an, um sie zu summieren.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="127" />
      <source>Horizon shading: {loss:.2f} % of the yield</source>
      <translation>Horizontverschattung: {loss:.2f} % des Ertrags</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="129" />
      <source>{weather}: tilt {tilt:g}°, {bins} orientation bin(s), level ground {flat:.0f} kWh/kWp/a</source>
      <translation>{weather}: Neigung {tilt:g}°, {bins} Ausrichtungsklasse(n), ebenes Gelände {flat:.0f} kWh/kWp/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/solar_potential.py" line="133" />
      <source>{ha:.1f} ha × {density:.2f} MWp/ha = {mwp:.1f} MWp ({mw:.1f} MW AC), {gwh:.1f} GWh/a, {yield_:.0f} kWh/kWp/a with {losses:.1f} % losses</source>
      <translation>{ha:.1f} ha × {density:.2f} MWp/ha = {mwp:.1f} MWp ({mw:.1f} MW AC), {gwh:.1f} GWh/a, {yield_:.0f} kWh/kWp/a bei {losses:.1f} % Verlusten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="53" />
      <source>Suitability analysis</source>
      <translation>Gewichtete Eignungsbewertung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="57" />
      <source>Criteria preset (its suitability section is used)</source>
      <translation>Kriterien-Preset (sein Abschnitt suitability wird verwendet)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="61" />
      <source>Eligible areas [polygons] (from Land eligibility; ranks candidate sites)</source>
      <translation>Geeignete Flächen [Polygone] (aus Flächeneignung; reiht Potenzialflächen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="67" />
      <source>Aggregation</source>
      <translation>Aggregation</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="68" />
      <source>as in the catalogue</source>
      <translation>wie im Katalog</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="68" />
      <source>weighted linear combination</source>
      <translation>gewichtete Linearkombination</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="68" />
      <source>weighted geometric mean</source>
      <translation>gewichtetes geometrisches Mittel</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="71" />
      <source>AHP pairwise comparisons (replace the weights)</source>
      <translation>AHP-Paarvergleiche (ersetzen die Gewichte)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="72" />
      <source>criterion A</source>
      <translation>Kriterium A</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="72" />
      <source>criterion B</source>
      <translation>Kriterium B</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="72" />
      <source>value (A is … times as important as B)</source>
      <translation>Wert (A ist …-mal so wichtig wie B)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="74" />
      <source>Sensitivity: number of runs (0: none) [-]</source>
      <translation>Sensitivität: Anzahl der Läufe (0: keine) [-]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="77" />
      <source>Sensitivity: weight perturbation ± [%]</source>
      <translation>Sensitivität: Variation der Gewichte ± [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="80" />
      <source>Sensitivity: top share of the scored land [%]</source>
      <translation>Sensitivität: Spitzenanteil der bewerteten Fläche [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="85" />
      <source>Candidate sites [polygons]</source>
      <translation>Potenzialflächen [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="87" />
      <source>Candidate sites table (CSV)</source>
      <translation>Tabelle der Potenzialflächen (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="90" />
      <source>Stability raster (% of sensitivity runs in the top share)</source>
      <translation>Stabilitätsraster (% der Sensitivitätsläufe im Spitzenanteil)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="92" />
      <source>Mean score of the scored land [0–100]</source>
      <translation>Mittlere Bewertung der bewerteten Fläche [0–100]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="93" />
      <source>AHP consistency ratio CR</source>
      <translation>AHP-Konsistenzquotient CR</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="104" />
      <source>No candidate sites: give the eligible areas [polygons] to rank them.</source>
      <translation>Keine Potenzialflächen: Geben Sie die geeigneten Flächen [Polygone] an, um sie zu reihen.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="108" />
      <source>The stability raster needs sensitivity runs: set the number of runs above 0, or leave the stability raster out.</source>
      <translation>Das Stabilitätsraster braucht Sensitivitätsläufe: Setzen Sie die Anzahl der Läufe über 0 oder lassen Sie das Stabilitätsraster weg.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="123" />
      <source>Weights: {weights}</source>
      <translation>Gewichte: {weights}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="127" />
      <source>AHP consistency ratio CR = {cr:.3f} (acceptable up to 0.1)</source>
      <translation>AHP-Konsistenzquotient CR = {cr:.3f} (annehmbar bis 0,1)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="129" />
      <source>Mean score {mean:.1f} on {scored:.1f} ha of eligible land</source>
      <translation>Mittlere Bewertung {mean:.1f} auf {scored:.1f} ha geeigneter Fläche</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="132" />
      <source>Rank {rank}: site {site} in {name}, {area:.1f} ha, mean score {mean:.1f}</source>
      <translation>Rang {rank}: Fläche {site} in {name}, {area:.1f} ha, mittlere Bewertung {mean:.1f}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/suitability.py" line="152" />
      <source>The AHP matrix needs rows of three values: criterion A, criterion B, how many times A is as important as B (1/9 … 9, e.g. 3 or 1/3); got {n} values.</source>
      <translation>Die AHP-Matrix braucht Zeilen mit drei Werten: Kriterium A, Kriterium B und wie viel Mal so wichtig A wie B ist (1/9 … 9, z. B. 3 oder 1/3); angegeben wurden {n} Werte.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="54" />
      <source>Turbine layout</source>
      <translation>Anlagenlayout</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="58" />
      <source>Eligible wind areas [polygons] (from Land eligibility)</source>
      <translation>Geeignete Windflächen [Polygone] (aus Flächeneignung)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="61" />
      <source>Rotor-in: the whole rotor inside the eligible area</source>
      <translation>Rotor innerhalb: der ganze Rotor in der geeigneten Fläche</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="63" />
      <source>Spacing along the main wind direction, in rotor diameters [-]</source>
      <translation>Abstand in Hauptwindrichtung, in Rotordurchmessern [-]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="66" />
      <source>Spacing across the main wind direction, in rotor diameters [-]</source>
      <translation>Abstand quer zur Hauptwindrichtung, in Rotordurchmessern [-]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="69" />
      <source>Main wind direction, clockwise from north [°] (empty: from the weather)</source>
      <translation>Hauptwindrichtung, im Uhrzeigersinn von Nord [°] (leer: aus dem Wetter)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="72" />
      <source>Maximise</source>
      <translation>Maximieren</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="72" />
      <source>number of turbines</source>
      <translation>Anzahl der Anlagen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="72" />
      <source>energy</source>
      <translation>Energie</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="74" />
      <source>Wake model</source>
      <translation>Nachlaufmodell</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="75" />
      <source>Jensen (layout geometry, wind directions)</source>
      <translation>Jensen (Geometrie des Layouts, Windrichtungen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="75" />
      <source>dena wind-farm efficiency curve (windpowerlib)</source>
      <translation>dena-Windpark-Wirkungsgradkurve (windpowerlib)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="76" />
      <source>Knorr wind-farm efficiency curve (windpowerlib)</source>
      <translation>Knorr-Windpark-Wirkungsgradkurve (windpowerlib)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="78" />
      <source>Buildings [polygons or points, OSM building=*] (distance to the nearest house)</source>
      <translation>Gebäude [Polygone oder Punkte, OSM building=*] (Abstand zum nächsten Wohnhaus)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="83" />
      <source>Turbines [points]</source>
      <translation>Anlagen [Punkte]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="85" />
      <source>Eligible areas with layout totals [polygons]</source>
      <translation>Geeignete Flächen mit den Summen des Layouts [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="88" />
      <source>Totals per eligible area (CSV)</source>
      <translation>Summen je geeigneter Fläche (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="93" />
      <source>Number of turbines</source>
      <translation>Anzahl der Anlagen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="93" />
      <source>Capacity [MW]</source>
      <translation>Leistung [MW]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="94" />
      <source>Net annual energy [GWh/a]</source>
      <translation>Netto-Jahresenergie [GWh/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="95" />
      <source>Wake loss [%]</source>
      <translation>Parkverlust [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="121" />
      <source>{n} turbines ({turbine}), {mw:.1f} MW, {gwh:.1f} GWh/a net, {flh:.0f} full-load hours, wake loss {wake:.1f} %, main wind direction {direction:.0f}°</source>
      <translation>{n} Anlagen ({turbine}), {mw:.1f} MW, {gwh:.1f} GWh/a netto, {flh:.0f} Volllaststunden, Parkverlust {wake:.1f} %, Hauptwindrichtung {direction:.0f}°</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/turbine_layout.py" line="127" />
      <source>{name}: {n} turbines, {mw:.1f} MW, {gwh:.1f} GWh/a</source>
      <translation>{name}: {n} Anlagen, {mw:.1f} MW, {gwh:.1f} GWh/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/vg250_boundaries.py" line="43" />
      <source>Load municipal boundaries (VG250-EW)</source>
      <translation>Gemeindegrenzen laden (VG250-EW)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/vg250_boundaries.py" line="47" />
      <source>Länder</source>
      <translation>Länder</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/vg250_boundaries.py" line="50" />
      <source>VG250-EW web feature service (WFS URL)</source>
      <translation>WFS-Dienst VG250-EW (URL)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/vg250_boundaries.py" line="52" />
      <source>Municipalities (GeoJSON)</source>
      <translation>Gemeinden (GeoJSON)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/vg250_boundaries.py" line="52" />
      <source>GeoJSON (*.geojson)</source>
      <translation>GeoJSON (*.geojson)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/vg250_boundaries.py" line="58" />
      <source>Choose at least one Land.</source>
      <translation>Wählen Sie mindestens ein Land.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/vg250_boundaries.py" line="61" />
      <source>“{url}” is no WFS URL: give the service's address, e.g. {default}.</source>
      <translation>„{url}“ ist keine WFS-Adresse: geben Sie die Adresse des Dienstes an, z. B. {default}.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="39" />
      <source>Quieter modes, row {row}: “{name}”, “{reduction}”, “{factor}” — give a name, the reduction in dB (e.g. 3) and the annual energy factor (e.g. 0.93).</source>
      <translation>Schallreduzierte Modi, Zeile {row}: „{name}“, „{reduction}“, „{factor}“ — Name, Minderung in dB (z. B. 3) und Faktor der Jahresenergie (z. B. 0,93) angeben.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="65" />
      <source>Noise and shadow flicker</source>
      <translation>Lärm und Schattenwurf</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="69" />
      <source>New turbines [points] (from Turbine layout)</source>
      <translation>Neue Anlagen [Punkte] (aus der Anlagenplanung)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="71" />
      <source>Buildings: dwellings, the receptors [polygons or points, OSM building=*]</source>
      <translation>Gebäude: Wohngebäude, die Immissionsorte [Polygone oder Punkte, OSM building=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="74" />
      <source>Land use (area type of the receptors: residential → general residential area)</source>
      <translation>Landnutzung (Gebietsart der Immissionsorte: residential → allgemeines Wohngebiet)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="77" />
      <source>Existing turbines [points] (noise pre-load; hub height and rotor fields)</source>
      <translation>Bestehende Anlagen [Punkte] (Vorbelastung; Felder für Nabenhöhe und Rotor)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="80" />
      <source>Sound power of the new turbines L_WA [dB(A)] (empty: by rotor size)</source>
      <translation>Schallleistungspegel der neuen Anlagen L_WA [dB(A)] (leer: nach Rotorgröße)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="83" />
      <source>Quieter modes, loudest first (name, reduction [dB], annual energy factor)</source>
      <translation>Schallreduzierte Modi, lautester zuerst (Name, Minderung [dB], Faktor der Jahresenergie)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="85" />
      <source>Mode</source>
      <translation>Modus</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="85" />
      <source>Reduction [dB]</source>
      <translation>Minderung [dB]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="85" />
      <source>Energy factor [-]</source>
      <translation>Energiefaktor [-]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="87" />
      <source>Quieten turbines until every dwelling meets its night limit</source>
      <translation>Anlagen drosseln, bis jedes Wohngebäude seinen Nachtrichtwert einhält</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="89" />
      <source>A turbine still over a limit in its quietest mode is</source>
      <translation>Eine Anlage, die auch im leisesten Modus über einem Richtwert liegt, wird</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="90" />
      <source>switched off at night (22–6 h)</source>
      <translation>nachts abgeschaltet (22–6 Uhr)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="90" />
      <source>removed</source>
      <translation>entfernt</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="91" />
      <source>Noise</source>
      <translation>Lärm</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="92" />
      <source>Shadow flicker</source>
      <translation>Schattenwurf</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="95" />
      <source>Also the real shadow duration (sunshine, operation, rotor in the wind; 8 h/a)</source>
      <translation>Auch die reale Schattenwurfdauer (Sonnenschein, Betrieb, Rotor im Wind; 8 h/a)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="98" />
      <source>Weather of the real case: TRY region or weather file (empty: the site's TRY region)</source>
      <translation>Wetter des realen Falls: TRY-Region oder Wetterdatei (leer: TRY-Region des Standorts)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="101" />
      <source>Elevation model (ground heights of turbines and dwellings)</source>
      <translation>Höhenmodell (Geländehöhen der Anlagen und Wohngebäude)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="103" />
      <source>Dwellings within this distance of a new turbine [m]</source>
      <translation>Wohngebäude in diesem Abstand einer neuen Anlage [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="106" />
      <source>Noise raster pixel [m]</source>
      <translation>Pixel des Lärmrasters [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="109" />
      <source>Shadow raster pixel [m]</source>
      <translation>Pixel des Schattenrasters [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="112" />
      <source>Immission table (YAML: limits, spectrum, sound power by rotor; empty: the shipped one)</source>
      <translation>Immissionstabelle (YAML: Richtwerte, Spektrum, Schallleistung nach Rotor; leer: die mitgelieferte)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="116" />
      <source>Dwellings with noise level, limit and shadow hours [points]</source>
      <translation>Wohngebäude mit Lärmpegel, Richtwert und Schattenstunden [Punkte]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="119" />
      <source>Turbines after the check (mode, status, energy) [points]</source>
      <translation>Anlagen nach der Prüfung (Modus, Status, Energie) [Punkte]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="121" />
      <source>Night noise level [dB(A)]</source>
      <translation>Beurteilungspegel nachts [dB(A)]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="123" />
      <source>Areas above 35/40/45/50 dB(A) [polygons]</source>
      <translation>Flächen über 35/40/45/50 dB(A) [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="126" />
      <source>Astronomically possible shadow flicker [h/a]</source>
      <translation>Astronomisch möglicher Schattenwurf [h/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="127" />
      <source>Dwellings assessed</source>
      <translation>Bewertete Wohngebäude</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="128" />
      <source>Turbines in a quieter mode</source>
      <translation>Anlagen in einem leiseren Modus</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="129" />
      <source>Turbines switched off at night</source>
      <translation>Nachts abgeschaltete Anlagen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="130" />
      <source>Energy lost to noise reduction [GWh/a]</source>
      <translation>Energieverlust durch Schallminderung [GWh/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="164" />
      <source>{n} new turbines: {kept} unrestricted, {reduced} in a quieter mode, {night} off at night, {removed} removed; energy {before:.1f} → {after:.1f} GWh/a</source>
      <translation>{n} neue Anlagen: {kept} unbeschränkt, {reduced} in einem leiseren Modus, {night} nachts abgeschaltet, {removed} entfernt; Energie {before:.1f} → {after:.1f} GWh/a</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_immission.py" line="170" />
      <source>{n} dwellings assessed; {over} over their noise limit, {shadow} over the shadow limits (30 h/a, 30 min/d); {modules} turbines need a shadow shutdown module</source>
      <translation>{n} Wohngebäude bewertet; {over} über ihrem Lärmrichtwert, {shadow} über den Grenzen des Schattenwurfs (30 h/a, 30 min/d); {modules} Anlagen brauchen eine Schattenabschaltung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="55" />
      <source>Repowering</source>
      <translation>Repowering</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="59" />
      <source>Existing turbines [points] (commissioning year, hub height, rotor, rated power)</source>
      <translation>Bestandsanlagen [Punkte] (Inbetriebnahmejahr, Nabenhöhe, Rotor, Nennleistung)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="62" />
      <source>New turbines [points] (a layout; empty: place a replacement layout)</source>
      <translation>Neue Anlagen [Punkte] (eine Anlagenplanung; leer: Ersatzplanung platzieren)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="65" />
      <source>Eligible wind areas [polygons] (the replacement layout stands on them)</source>
      <translation>Geeignete Windflächen [Polygone] (auf ihnen steht die Ersatzplanung)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="68" />
      <source>Repowering areas of the plan [polygons]</source>
      <translation>Repoweringgebiete des Plans [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="70" />
      <source>Municipalities [polygons, field name] (the balance per municipality)</source>
      <translation>Gemeinden [Polygone, Feld name] (die Bilanz je Gemeinde)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="73" />
      <source>Year of the assessment [-] (empty: this year)</source>
      <translation>Bewertungsjahr [-] (leer: dieses Jahr)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="76" />
      <source>Age from which an existing turbine is a candidate [a]</source>
      <translation>Alter, ab dem eine Bestandsanlage Kandidat ist [a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="79" />
      <source>Replacement zone, in total heights of the new turbine [-]</source>
      <translation>Ersatzumkreis, in Gesamthöhen der neuen Anlage [-]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="82" />
      <source>Full-load hours of the old turbines [h/a]</source>
      <translation>Volllaststunden der Altanlagen [h/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="99" />
      <source>Existing turbines with their repowering status [points]</source>
      <translation>Bestandsanlagen mit ihrem Repowering-Status [Punkte]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="101" />
      <source>New turbines with their repowering rule [points]</source>
      <translation>Neue Anlagen mit ihrer Repowering-Regel [Punkte]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="103" />
      <source>Balance per municipality (CSV)</source>
      <translation>Bilanz je Gemeinde (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="105" />
      <source>Repowering candidates</source>
      <translation>Repowering-Kandidaten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="106" />
      <source>Old turbines replaced</source>
      <translation>Ersetzte Altanlagen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="107" />
      <source>New repowering turbines</source>
      <translation>Neue Repowering-Anlagen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="108" />
      <source>Energy of the old turbines replaced [GWh/a]</source>
      <translation>Energie der ersetzten Altanlagen [GWh/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="109" />
      <source>Energy of the new repowering turbines [GWh/a]</source>
      <translation>Energie der neuen Repowering-Anlagen [GWh/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="116" />
      <source>Give either the new turbines (a layout) or the eligible wind areas to place a replacement layout on, one of the two.</source>
      <translation>Geben Sie entweder die neuen Anlagen (eine Anlagenplanung) oder die geeigneten Windflächen für eine Ersatzplanung an, eines von beiden.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="145" />
      <source>{n} old turbines ({mw:.1f} MW, {gwh:.1f} GWh/a) replaced by {k} new ones ({new_mw:.1f} MW, {new_gwh:.1f} GWh/a): {zone} within the zone, {plan} by the plan's repowering areas</source>
      <translation>{n} Altanlagen ({mw:.1f} MW, {gwh:.1f} GWh/a) ersetzt durch {k} neue ({new_mw:.1f} MW, {new_gwh:.1f} GWh/a): {zone} im Umkreis, {plan} über die Repoweringgebiete des Plans</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_repowering.py" line="152" />
      <source>{name}: {old} old turbines ({old_gwh:.1f} GWh/a) → {new} new ({new_gwh:.1f} GWh/a)</source>
      <translation>{name}: {old} Altanlagen ({old_gwh:.1f} GWh/a) → {new} neue ({new_gwh:.1f} GWh/a)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_yield.py" line="50" />
      <source>Wind resource and yield</source>
      <translation>Windressource und Ertrag</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_yield.py" line="57" />
      <source>Wake loss placeholder [%]</source>
      <translation>Platzhalter für den Parkverlust [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_yield.py" line="60" />
      <source>Resolution [m]</source>
      <translation>Auflösung [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_yield.py" line="63" />
      <source>Net annual energy per turbine [MWh/a]</source>
      <translation>Netto-Jahresenergie je Anlage [MWh/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_yield.py" line="65" />
      <source>Full-load hours [h/a]</source>
      <translation>Volllaststunden [h/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_yield.py" line="67" />
      <source>Mean wind speed at hub height [m/s]</source>
      <translation>Mittlere Windgeschwindigkeit in Nabenhöhe [m/s]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_yield.py" line="70" />
      <source>Mean full-load hours [h/a]</source>
      <translation>Mittlere Volllaststunden [h/a]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_yield.py" line="87" />
      <source>Turbine: {turbine}</source>
      <translation>Anlage: {turbine}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_yield.py" line="88" />
      <source>Weather: {weather}; Weibull k {k}; losses: {losses}</source>
      <translation>Wetter: {weather}; Weibull-k {k}; Verluste: {losses}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/wind_yield.py" line="91" />
      <source>{name}: mean wind speed {speed:.2f} m/s, {flh:.0f} full-load hours</source>
      <translation>{name}: mittlere Windgeschwindigkeit {speed:.2f} m/s, {flh:.0f} Volllaststunden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/windbg_accounting.py" line="60" />
      <source>WindBG area accounting</source>
      <translation>WindBG-Flächenbilanz</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/windbg_accounting.py" line="65" />
      <source>Land (where the AGS does not tell)</source>
      <translation>Land (wo der AGS es nicht angibt)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/windbg_accounting.py" line="72" />
      <source>Rotor-in: count only the area the whole rotor fits in (WindBG § 4)</source>
      <translation>Rotor innerhalb: nur die Fläche anrechnen, in der der ganze Rotor liegt (WindBG § 4)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/windbg_accounting.py" line="76" />
      <source>WindBG table per municipality (CSV)</source>
      <translation>WindBG-Tabelle je Gemeinde (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/windbg_accounting.py" line="78" />
      <source>Municipalities with WindBG figures [polygons]</source>
      <translation>Gemeinden mit WindBG-Kennzahlen [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/windbg_accounting.py" line="80" />
      <source>Counted wind area [ha]</source>
      <translation>Angerechnete Windfläche [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/windbg_accounting.py" line="82" />
      <source>Gap to the 2032 orientation value [ha]</source>
      <translation>Lücke zum Orientierungswert 2032 [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/windbg_accounting.py" line="98" />
      <source>Rotor-in: the boundary moves inward by {offset:g} m (rotor radius minus tower-foot radius).</source>
      <translation>Rotor innerhalb: Die Grenze rückt um {offset:g} m nach innen (Rotorradius minus Turmfußradius).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/windbg_accounting.py" line="101" />
      <source>{name}: {counted:.1f} ha = {pct:.2f} % of {area:.1f} ha; target {t27:g} % (2027) / {t32:g} % (2032); gap to the 2032 orientation value {gap:.1f} ha</source>
      <translation>{name}: {counted:.1f} ha = {pct:.2f} % von {area:.1f} ha; Ziel {t27:g} % (2027) / {t32:g} % (2032); Lücke zum Orientierungswert 2032 {gap:.1f} ha</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="61" />
      <source>no setback</source>
      <translation>kein Abstand</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="69" />
      <source>hard criterion</source>
      <translation>hartes Kriterium</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="69" />
      <source>soft criterion</source>
      <translation>weiches Kriterium</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="70" />
      <source>permitted zones</source>
      <translation>zulässige Zonen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="76" />
      <source>not excluded</source>
      <translation>nicht ausgeschlossen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="78" />
      <source>outside the area</source>
      <translation>außerhalb des Gebiets</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="80" />
      <source>Excluded by one criterion:</source>
      <translation>Ausgeschlossen durch ein Kriterium:</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="81" />
      <source>Excluded by {n} criteria:</source>
      <translation>Ausgeschlossen durch {n} Kriterien:</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="89" />
      <source>Setback: {setback}</source>
      <translation>Abstand: {setback}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="90" />
      <source>Source: {source}</source>
      <translation>Quelle: {source}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="111" />
      <source>raster value {value}</source>
      <translation>Rasterwert {value}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="149" />
      <source>Exclusion reasons</source>
      <translation>Ausschlussgründe</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="157" />
      <source>Click a pixel of an exclusion reasons raster (a *_reasons.tif with its *_bits.json beside it) to see every criterion that excludes it.</source>
      <translation>Klicken Sie auf ein Pixel eines Ausschlussgründe-Rasters (eine *_reasons.tif mit ihrer *_bits.json daneben), um jedes Kriterium zu sehen, das es ausschließt.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="185" />
      <source>No exclusion reasons raster in the map: run Land eligibility with the exclusion reasons raster as an output, or add a *_reasons.tif that has its *_bits.json beside it.</source>
      <translation>Kein Ausschlussgründe-Raster in der Karte: Führen Sie die Flächeneignung mit dem Raster der Ausschlussgründe als Ausgabe aus oder fügen Sie eine *_reasons.tif hinzu, neben der ihre *_bits.json liegt.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="196" />
      <source>The bit table of {layer} cannot be read: {error}</source>
      <translation>Die Bit-Tabelle von {layer} kann nicht gelesen werden: {error}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="229" />
      <source>Exclusion zones: {layer}</source>
      <translation>Ausschlusszonen: {layer}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="284" />
      <source>Why is this excluded?</source>
      <translation>Warum ausgeschlossen?</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="287" />
      <source>Click a pixel of an exclusion reasons raster to see every criterion that excludes it, with its setback and legal source</source>
      <translation>Klicken Sie auf ein Pixel eines Ausschlussgründe-Rasters, um jedes Kriterium zu sehen, das es ausschließt, mit Abstand und Rechtsgrundlage</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="291" />
      <source>Style exclusion reasons per criterion</source>
      <translation>Ausschlussgründe je Kriterium darstellen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="293" />
      <source>Exclusion zones per criterion as polygons</source>
      <translation>Ausschlusszonen je Kriterium als Polygone</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_inspector.py" line="342" />
      <source>The active layer is not an exclusion reasons raster (no *_bits.json beside it).</source>
      <translation>Der aktive Layer ist kein Ausschlussgründe-Raster (keine *_bits.json daneben).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_style.py" line="112" />
      <source>several reasons, including {criterion}</source>
      <translation>mehrere Gründe, darunter {criterion}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/reason_style.py" line="179" />
      <source>Exclusion reasons (click with “Why is this excluded?” for every reason)</source>
      <translation>Ausschlussgründe (Klick mit „Warum ausgeschlossen?“ zeigt jeden Grund)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/worker.py" line="195" />
      <source>The engine Python “{python}” cannot be started: {error}. Check the setting Plugins → WIP Energy &amp; Spatial Planning → Engine Python.</source>
      <translation>Das Rechenkern-Python „{python}“ lässt sich nicht starten: {error}. Prüfen Sie die Einstellung Erweiterungen → WIP Energie &amp; Raumplanung → Rechenkern-Python.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/worker.py" line="236" />
      <source>No engine Python is set.</source>
      <translation>Es ist kein Rechenkern-Python eingestellt.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/worker.py" line="266" />
      <source>The engine Python runs another version of the plugin's engine (protocol {theirs}, needed {ours}).</source>
      <translation>Das Rechenkern-Python führt eine andere Version des Rechenkerns der Erweiterung aus (Protokoll {theirs}, benötigt {ours}).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/worker.py" line="291" />
      <source>The engine Python “{python}” ended without a result (exit code {code}):
{output}</source>
      <translation>Das Rechenkern-Python „{python}“ endete ohne Ergebnis (Exit-Code {code}):
{output}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/worker.py" line="340" />
      <source>no such file</source>
      <translation>Datei nicht vorhanden</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/worker.py" line="371" />
      <source>No Python interpreter found to create the engine environment with. Install Python 3 and set its path as the engine Python.</source>
      <translation>Kein Python-Interpreter gefunden, mit dem die Rechenkernumgebung erstellt werden kann. Installieren Sie Python 3 und stellen Sie seinen Pfad als Rechenkern-Python ein.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/worker.py" line="405" />
      <source>“{command}” failed (exit code {code}):
{output}</source>
      <translation>„{command}“ ist fehlgeschlagen (Exit-Code {code}):
{output}</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/worker.py" line="435" />
      <source>“{python} -m venv” made no interpreter at {path}. On Debian and Ubuntu install python3-venv.</source>
      <translation>„{python} -m venv“ hat keinen Interpreter unter {path} angelegt. Unter Debian und Ubuntu installieren Sie python3-venv.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/worker.py" line="437" />
      <source>Installing the engine's packages (pinned versions)</source>
      <translation>Pakete des Rechenkerns werden installiert (festgelegte Versionen)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/worker.py" line="447" />
      <source>Engine environment ready ({seconds:.0f} s): {python}</source>
      <translation>Rechenkernumgebung bereit ({seconds:.0f} s): {python}</translation>
    </message>
  </context>
</TS>
