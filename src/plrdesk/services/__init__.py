"""Use cases: one function per user operation, taking a database session. Imports no Qt."""
