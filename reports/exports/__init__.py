"""Exception report downloads: the report's content as a Word committee paper, an A4 PDF and a CSV file.

Every download takes the report's content dict, the same for a live draft and for a frozen, published
report, and returns the file; the views name it and send it. `paper` holds the words the Word file
(`word`) and the PDF (`pdf`) both lay out; `csv_file` lists the items for a spreadsheet.
"""
