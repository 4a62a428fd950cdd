"""Prepare export: the review of proposed redactions, and the export it leads to."""
