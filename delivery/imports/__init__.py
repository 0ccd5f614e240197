"""Delivery-plan spreadsheets: the template, reading and checking an upload, importing it, exporting.

One row per action, in the columns of `columns.COLUMNS`. An upload is read (`reading`) and checked
(`checking`) without touching the plan: the result is a `PlanImport` in preview, holding each row's
cell text and what will happen to it (create, update, unchanged; `row_plan`) or its problems.
Confirming imports every row in one transaction (`services`), so a plan is imported whole or not at
all. Export writes the same columns (`workbook`), so an exported plan imports again unchanged.

Importers name the module they use; nothing is re-exported here.
"""
