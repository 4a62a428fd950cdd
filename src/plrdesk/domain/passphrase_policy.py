"""How strong a study passphrase must be (zxcvbn), for the command line and the app alike."""

from __future__ import annotations

MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline attack"


def strength(passphrase: str) -> tuple[int, str]:
    """zxcvbn's score (0-4) and its main piece of advice."""
    from zxcvbn import zxcvbn

    result = zxcvbn(passphrase[:100])  # zxcvbn is slow on very long input; 100 chars suffice
    feedback = result.get("feedback", {})
    advice = feedback.get("warning") or " ".join(feedback.get("suggestions", []))
    return int(result["score"]), str(advice)
