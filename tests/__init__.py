"""The test suite (a package, so no installed `tests` package can shadow it)."""
