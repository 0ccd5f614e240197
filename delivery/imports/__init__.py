"""Delivery-plan spreadsheets: the template, reading and checking an upload, importing it, exporting.

One row per action, in the columns of `columns.COLUMNS`, or under the partnership's own headings,
which are matched to those columns first (`matching`, decision record 0018). An upload is read
(`reading`) and checked (`checking`) without touching the plan: the result is a `PlanImport` in preview, holding each row's
cell text and what will happen to it (create, update, unchanged; `row_plan`) or its problems, with
each change an update makes as "old → new" in words. An empty cell in a `columns.CLEARABLE` column
leaves an existing action's field as it is (the preview lists it), unless the import's `clear_empty`
is chosen on the preview.
Confirming imports every row in one transaction (`services`), so a plan is imported whole or not at
all. Export writes the same columns (`workbook`), so an exported plan imports again unchanged.

Importers name the module they use; nothing is re-exported here.
"""
