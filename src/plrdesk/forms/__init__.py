"""Form definitions: schema, YAML loading with file:line errors, skip logic, placeholders,
checks, and XLSForm conversion. Imports no Qt."""
