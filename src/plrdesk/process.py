"""What the whole process promises before it touches a study: no core dumps.

A crash of the app or a command could otherwise write a core file holding typed notes,
names and the derived key in plain text, wherever the system puts cores. RLIMIT_CORE 0
stops the file; on Linux PR_SET_DUMPABLE 0 also stops a core-dump pipe handler (systemd-
coredump, apport) from receiving one, and keeps other processes of the same user from
attaching to read memory. Called first thing by the composition root.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys

PR_SET_DUMPABLE = 4


def forbid_core_dumps() -> None:
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            # The process's own symbols include libc's prctl; find_library would run ldconfig.
            ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
