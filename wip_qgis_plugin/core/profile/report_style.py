"""The style sheet of the HTML reports (screen and print)."""
from __future__ import annotations

#: CSS of every report page.
REPORT_CSS = """body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:62em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;font-size:.9em}
th{background:#f0f0f0;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;margin:.4em 0}.note{color:#555;font-size:.85em}.missing{color:#b00}"""
