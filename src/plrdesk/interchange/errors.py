"""An invalid input file, named precisely enough for the user to find and fix it."""

import json

Loc = tuple[int | str, ...]


class InvalidDocument(Exception):
    """The file is not a valid study document. `where` is a JSON path or `line N, column M`."""

    def __init__(self, source: str, where: str, message: str) -> None:
        self.source = source
        self.where = where
        self.message = message
        super().__init__(f"{source}: {where}: {message}" if where else f"{source}: {message}")


def json_path(loc: Loc) -> str:
    """('sessions', 3, 'entries', 12, 'speaker') -> 'sessions[3].entries[12].speaker'.

    A key that would not print as itself on one line (empty, a control character, a lone
    surrogate) is written as a JSON string in brackets: `attributes["\\ud800"]`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not (part and part.isprintable()):
            path += f"[{quoted(part)}]"
        else:
            path += f".{part}" if path else part
    return path or "(top level)"


def quoted(key: str) -> str:
    """A key as a JSON string, escaped so that it prints safely on one line."""
    return json.dumps(key)
