"""Journeys: the real app driven by the keyboard through one task, then the file read back."""
