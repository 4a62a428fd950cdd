"""The study interchange format (shared/contracts/study-json-v1.md): schema, import, dump."""
