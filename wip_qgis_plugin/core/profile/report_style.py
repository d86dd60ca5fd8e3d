"""The style sheet of the HTML reports (screen and print).

On screen the page is at most 62 em wide and a table never wider than it: long cell texts (file paths,
source notes) wrap, anywhere if need be; headers and the first column wrap between words; numbers never;
columns of running text (a law, a reason, a source: ``html_table``'s ``wide``) keep at least 14 em (10 em
printed), so that their words are not broken letter by letter next to wide number columns; a "not assessed"
in a number column wraps.
Printed (A4, 10 mm margins) the tables are set in 8 pt across the content box, a table is kept on one
page where it fits, a heading stays with what follows it, and a chart never runs over a page. Checked in
headless Chromium at 1,280 px and as A4 PDF by tests/browser.
"""
from __future__ import annotations

_SCREEN = """body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:62em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0;max-width:100%}
td,th{border:1px solid #ccc;padding:.25em .5em;font-size:.9em;vertical-align:top}
td{overflow-wrap:anywhere;min-width:4.5em}th{background:#f0f0f0;text-align:left;hyphens:auto}
tr>:first-child{overflow-wrap:normal}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal;min-width:0}
td.w{min-width:14em}td.n .missing{white-space:normal}.s{white-space:nowrap}
img{max-width:100%;margin:.4em 0}.note{color:#555;font-size:.85em}.missing{color:#b00}"""

_PRINT = """@page{size:A4 portrait;margin:10mm}
@media print{
body{margin:0;max-width:none;font-size:10pt}
h1,h2,h3{break-after:avoid;page-break-after:avoid;break-inside:avoid}
table{width:100%;font-size:8pt;break-inside:avoid;page-break-inside:avoid}
td,th{font-size:1em;padding:.15em .3em}
td.w{min-width:10em}
tr,img{break-inside:avoid;page-break-inside:avoid}
img{max-height:250mm;object-fit:contain}
a{color:inherit;text-decoration:none}
}"""

#: CSS of every report page.
REPORT_CSS = _SCREEN + "\n" + _PRINT
