"""What leaves the machine: one anonymised summary, built once from the study, then laid out
by a renderer per format (json, md, csv, pdf, docx, qdpx). Imports no Qt.

`build.build_summary` reads the study, counts with the shared counting function
(`domain.passages.raised_by`), builds descriptors (`disclosure`) and passes every text that
leaves through the injected anonymiser. `formats.write_export` hands the result to a
renderer and writes the file atomically.
"""
