"""The anonymiser: the study's register, personal-data patterns and unregistered names,
found in one pass over each text and replaced by bracketed labels. Imports no Qt."""
