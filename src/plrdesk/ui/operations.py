"""Operations: what the app asks of the open study, each one service function with its
arguments, typed from the call site to the result.

In the manner of Anki's aqt.operations (CollectionOp / QueryOp), with the types checked
end to end: `read(fn, *args)` and `write(fn, *args)` take the service function and the
arguments it wants after the database session, so mypy checks each argument against the
function's own signature and the result's type reaches the `on_done` handler.

- `read(fn, *args)`: `fn(db, *args) -> T`; nothing is announced.
- `write(fn, *args)`: `fn(db, *args) -> C` where C is a `Changes`; once committed the
  runner announces it with the initiator (the object that asked), so views refresh only
  for what concerns them and skip their own echo.
- `on_file(fn, *args)`: `fn(study, *args)`, a write on the whole file (withdrawal's
  vacuum); `read_file(fn, *args)` for whole-file work that changes nothing in the study
  (a backup: its failure loses none of the researcher's work).
- `after(earlier, fn, *args)`: `fn(db, earlier's result, *args)`. The result of an
  operation queued before reaches this one on the worker, through the runner (an undo
  that restores what its delete took away), never through a field of a GUI object.

`.with_progress()` makes the runner pass `progress=` (a `Progress` the GUI can cancel).
`.rescuing()` runs it even on a study whose file was replaced (saving a copy of it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Concatenate, Generic, Literal, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from plrdesk.services.changes import Changes
from plrdesk.services.progress import Progress
from plrdesk.storage.study_file import StudyFile

P = ParamSpec("P")
T = TypeVar("T")
U = TypeVar("U")
C = TypeVar("C", bound=Changes)

Kind = Literal["read", "write"]


@dataclass(frozen=True)
class Operation(Generic[T]):
    """One service call, ready for the runner. Made by `read`, `write`, `on_file`, `after`."""

    name: str
    """The service function's qualified name (logs and benchmarks name operations by it)."""
    kind: Kind
    call: Callable[[Any, Progress | None], T]
    """Run on the worker with the open session (or the StudyFile, if `whole_file`)."""
    whole_file: bool = False
    progress: bool = False
    rescue: bool = False

    def with_progress(self) -> Operation[T]:
        return replace(self, progress=True)

    def rescuing(self) -> Operation[T]:
        return replace(self, rescue=True)


class EarlierFailed(Exception):
    """The operation whose result this one needed failed (or never ran)."""


class Pending(Generic[T]):
    """What `runner.run` gives back: the operation's Progress (to cancel it), and its
    result once the worker has it, for an operation queued after it (`after`)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self._lock = threading.Lock()
        self._done = False
        self._value: T | None = None
        self._error: Exception | None = None

    def resolve(self, value: T) -> None:
        with self._lock:
            self._done, self._value = True, value

    def fail(self, error: Exception) -> None:
        with self._lock:
            self._done, self._error = True, error

    def value(self) -> T:
        """The result; only on the worker, after the operation ran (the queue's order)."""
        with self._lock:
            if not self._done or self._error is not None:
                raise EarlierFailed("the change it depends on was not saved") from self._error
            return self._value  # type: ignore[return-value]  # set together with _done


def _name(fn: Callable[..., object]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def _call(
    fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Callable[[Any, Progress | None], T]:
    def call(target: Any, progress: Progress | None) -> T:
        if progress is None:
            return fn(target, *args, **kwargs)
        return fn(target, *args, progress=progress, **kwargs)

    return call


def read(
    fn: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs
) -> Operation[T]:
    return Operation(_name(fn), "read", _call(fn, args, kwargs))


def write(
    fn: Callable[Concatenate[Session, P], C], /, *args: P.args, **kwargs: P.kwargs
) -> Operation[C]:
    return Operation(_name(fn), "write", _call(fn, args, kwargs))


def on_file(
    fn: Callable[Concatenate[StudyFile, P], T], /, *args: P.args, **kwargs: P.kwargs
) -> Operation[T]:
    return Operation(_name(fn), "write", _call(fn, args, kwargs), whole_file=True)


def read_file(
    fn: Callable[Concatenate[StudyFile, P], T], /, *args: P.args, **kwargs: P.kwargs
) -> Operation[T]:
    return Operation(_name(fn), "read", _call(fn, args, kwargs), whole_file=True)


def after(
    earlier: Pending[U],
    fn: Callable[Concatenate[Session, U, P], C],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Operation[C]:
    def call(db: Any, progress: Progress | None) -> C:
        return fn(db, earlier.value(), *args, **kwargs)

    return Operation(_name(fn), "write", call)


__all__ = [
    "EarlierFailed",
    "Operation",
    "Pending",
    "after",
    "on_file",
    "read",
    "read_file",
    "write",
]
