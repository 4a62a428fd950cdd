"""What leaves the machine: one anonymised summary, built once from the study, then laid out
by a renderer per format (json, md, csv, pdf, docx, qdpx). Imports no Qt.

`study.export_study` is the one export, called by the command line and by the app alike:
it chooses the study's anonymiser (`study.study_anonymiser`), builds the summary with
`build.build_summary` (which reads the study, counts with the shared counting function
`domain.passages.raised_by`, builds descriptors with `disclosure` and passes every text that
leaves through the anonymiser) and renders it in memory; the caller writes the bytes with
`storage.files.write_atomically` and records the export (`study.record_export`).
`formats.write_export` renders and writes in one go, for tests and benchmarks.
"""
