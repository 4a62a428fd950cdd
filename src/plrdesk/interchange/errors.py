"""An invalid input file, named precisely enough for the user to find and fix it."""


class InvalidDocument(Exception):
    """The file is not a valid study document. `where` is a JSON path or `line N, column M`."""

    def __init__(self, source: str, where: str, message: str) -> None:
        self.source = source
        self.where = where
        self.message = message
        super().__init__(f"{source}: {where}: {message}" if where else f"{source}: {message}")


def json_path(loc: tuple[int | str, ...]) -> str:
    """('sessions', 3, 'entries', 12, 'speaker') -> 'sessions[3].entries[12].speaker'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"
