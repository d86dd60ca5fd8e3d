<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
  <context>
    <name>wip</name>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="44" />
      <source>Eligibility</source>
      <translation>Flächeneignung</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="92" />
      <source>The WIP engine needs Python packages that are missing in the Python environment of QGIS: {packages}. Install them and restart QGIS, e.g. with: python3 -m pip install --user --no-binary shapely,pyproj,pyogrio,rasterio {packages} (on Windows in the OSGeo4W Shell).</source>
      <translation>Der WIP-Rechenkern benötigt Python-Pakete, die in der Python-Umgebung von QGIS fehlen: {packages}. Installieren Sie sie und starten Sie QGIS neu, z. B. mit: python3 -m pip install --user --no-binary shapely,pyproj,pyogrio,rasterio {packages} (unter Windows in der OSGeo4W Shell).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="161" />
      <source>Parameters</source>
      <translation>Parameter</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="185" />
      <source>These Python packages use other versions of GEOS, PROJ or GDAL than QGIS: {list}. Inside QGIS this can give wrong results or crashes. Reinstall them compiled against the libraries of QGIS: python3 -m pip install --user --force-reinstall --no-binary shapely,pyproj,pyogrio,rasterio shapely pyproj pyogrio rasterio</source>
      <translation>Diese Python-Pakete verwenden andere Versionen von GEOS, PROJ oder GDAL als QGIS: {list}. In QGIS kann das zu falschen Ergebnissen oder Abstürzen führen. Installieren Sie sie neu, kompiliert gegen die Bibliotheken von QGIS: python3 -m pip install --user --force-reinstall --no-binary shapely,pyproj,pyogrio,rasterio shapely pyproj pyogrio rasterio</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/base.py" line="217" />
      <source>“{output}”: the file must end in {suffixes} (got “{path}”).</source>
      <translation>„{output}“: Die Datei muss auf {suffixes} enden (angegeben: „{path}“).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="59" />
      <source>Land eligibility</source>
      <translation>Flächeneignung (Ausschlusskriterien)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="64" />
      <source>Criteria preset</source>
      <translation>Kriterien-Preset</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="69" />
      <source>Criteria catalogue file (YAML, replaces the preset)</source>
      <translation>Kriterienkatalog-Datei (YAML, ersetzt das Preset)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="70" />
      <source>YAML files (*.yaml *.yml)</source>
      <translation>YAML-Dateien (*.yaml *.yml)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="72" />
      <source>Area of interest: municipalities [polygons]</source>
      <translation>Untersuchungsgebiet: Gemeinden [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="74" />
      <source>Municipality name field</source>
      <translation>Feld mit dem Gemeindenamen</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="77" />
      <source>Only these municipalities (comma-separated names)</source>
      <translation>Nur diese Gemeinden (Namen, kommagetrennt)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="80" />
      <source>Criteria kinds to exclude</source>
      <translation>Auszuschließende Kriterienarten</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="81" />
      <source>hard</source>
      <translation>hart</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="81" />
      <source>soft</source>
      <translation>weich</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="81" />
      <source>case by case</source>
      <translation>Einzelfall</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="84" />
      <source>Setback to settlements [m] (replaces the preset's)</source>
      <translation>Abstand zu Siedlungen [m] (ersetzt den des Presets)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="87" />
      <source>Grid resolution [m]</source>
      <translation>Rasterauflösung [m]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="90" />
      <source>Working CRS (projected, in metres)</source>
      <translation>Arbeits-KBS (projiziert, in Metern)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="93" />
      <source>Minimum area of an eligible patch [ha]</source>
      <translation>Mindestgröße einer geeigneten Teilfläche [ha]</translation>
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
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="101" />
      <source>Eligible areas [polygons]</source>
      <translation>Geeignete Flächen [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="104" />
      <source>Table per municipality (CSV)</source>
      <translation>Tabelle je Gemeinde (CSV)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="105" />
      <source>CSV files (*.csv)</source>
      <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="106" />
      <source>Eligible area [ha]</source>
      <translation>Geeignete Fläche [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="107" />
      <source>Total area [ha]</source>
      <translation>Gesamtfläche [ha]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="108" />
      <source>Eligible share [%]</source>
      <translation>Geeigneter Anteil [%]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="117" />
      <source>The working CRS “{crs}” is not a projected CRS in metres; setbacks and areas are measured in metres. Choose EPSG:25832 (ETRS89 / UTM 32N, Sachsen-Anhalt and Thüringen) or EPSG:25833 (ETRS89 / UTM 33N, Sachsen).</source>
      <translation>Das Arbeits-KBS „{crs}“ ist kein projiziertes KBS in Metern; Abstände und Flächen werden in Metern gemessen. Wählen Sie EPSG:25832 (ETRS89 / UTM 32N, Sachsen-Anhalt und Thüringen) oder EPSG:25833 (ETRS89 / UTM 33N, Sachsen).</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="124" />
      <source>Choose at least one kind of criteria to exclude.</source>
      <translation>Wählen Sie mindestens eine auszuschließende Kriterienart.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="151" />
      <source>{name}: {eligible:.1f} ha eligible of {total:.1f} ha ({pct:.2f} %)</source>
      <translation>{name}: {eligible:.1f} ha geeignet von {total:.1f} ha ({pct:.2f} %)</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/land_eligibility.py" line="187" />
      <source>The criteria of catalogue “{catalogue}” ({kinds}) need these input layers, which were not given: {layers}. Add them, or choose fewer criteria kinds or another catalogue.</source>
      <translation>Die Kriterien des Katalogs „{catalogue}“ ({kinds}) benötigen diese Eingabelayer, die nicht angegeben wurden: {layers}. Geben Sie sie an oder wählen Sie weniger Kriterienarten oder einen anderen Katalog.</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="29" />
      <source>Land use, forest and settlement areas [polygons, OSM landuse=*]</source>
      <translation>Landnutzung, Wald und Siedlungsflächen [Polygone, OSM landuse=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="30" />
      <source>Settlement areas from another source [polygons, e.g. ATKIS Ortslage]</source>
      <translation>Siedlungsflächen aus anderer Quelle [Polygone, z. B. ATKIS Ortslage]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="31" />
      <source>Forest from another source [polygons]</source>
      <translation>Wald aus anderer Quelle [Polygone]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="32" />
      <source>Buildings [polygons or points, OSM building=*]</source>
      <translation>Gebäude [Polygone oder Punkte, OSM building=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="33" />
      <source>Roads [lines, OSM highway=*]</source>
      <translation>Straßen [Linien, OSM highway=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="34" />
      <source>Railways [lines, OSM railway=*]</source>
      <translation>Bahnstrecken [Linien, OSM railway=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="35" />
      <source>Power lines [lines, OSM power=line, voltage]</source>
      <translation>Freileitungen [Linien, OSM power=line, voltage]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="36" />
      <source>Substations [polygons or points, OSM power=substation]</source>
      <translation>Umspannwerke [Polygone oder Punkte, OSM power=substation]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="37" />
      <source>Water bodies [polygons, OSM natural=water]</source>
      <translation>Gewässerflächen [Polygone, OSM natural=water]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="38" />
      <source>Watercourses [lines, OSM waterway=*]</source>
      <translation>Fließgewässer [Linien, OSM waterway=*]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="39" />
      <source>Protected areas [polygons, OSM boundary=protected_area]</source>
      <translation>Schutzgebiete [Polygone, OSM boundary=protected_area]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="40" />
      <source>Airfields [polygons or points, OSM aeroway=aerodrome]</source>
      <translation>Flugplätze [Polygone oder Punkte, OSM aeroway=aerodrome]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="41" />
      <source>Existing wind turbines [points, OSM generator:source=wind]</source>
      <translation>Bestehende Windenergieanlagen [Punkte, OSM generator:source=wind]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/processing_algorithms/roles.py" line="42" />
      <source>Existing PV parks [polygons, OSM plant:source=solar]</source>
      <translation>Bestehende PV-Freiflächenanlagen [Polygone, OSM plant:source=solar]</translation>
    </message>
    <message>
      <location filename="../../wip_qgis_plugin/provider.py" line="32" />
      <source>WIP Energy &amp; Spatial Planning</source>
      <translation>WIP Energie &amp; Raumplanung</translation>
    </message>
  </context>
</TS>
