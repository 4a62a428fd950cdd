"""Coded spans keep covering the same words when the text around them is edited."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plrdesk.domain.spans import Edit, Span, apply_edits, remap_by_diff, snap_to_words

TEXT = "When the head teacher is cooperative we refer with confidence."


def span_of(text: str, words: str) -> Span:
    start = text.index(words)
    return Span(start, start + len(words))


def edit(text: str, position: int, removed: int, added: str) -> tuple[str, Edit]:
    return text[:position] + added + text[position + removed :], Edit(position, removed, len(added))


def test_typing_before_moves_the_span() -> None:
    span = span_of(TEXT, "head teacher")
    new, change = edit(TEXT, 0, 0, "Honestly, ")
    [moved] = apply_edits([span], [change])
    assert moved is not None
    assert new[moved.start : moved.end] == "head teacher"


def test_typing_right_after_or_before_does_not_stretch_it() -> None:
    span = span_of(TEXT, "head teacher")
    new, after = edit(TEXT, span.end, 0, " (new)")
    new, before = edit(new, span.start, 0, "the ")
    [moved] = apply_edits([span], [after, before])
    assert moved is not None
    assert new[moved.start : moved.end] == "head teacher"


def test_typing_inside_is_inside() -> None:
    span = span_of(TEXT, "head teacher")
    new, change = edit(TEXT, span.start + 5, 0, "deputy ")
    [moved] = apply_edits([span], [change])
    assert moved is not None
    assert new[moved.start : moved.end] == "head deputy teacher"


def test_deleting_a_coded_word_shrinks_the_span() -> None:
    span = span_of(TEXT, "head teacher is cooperative")
    new, change = edit(TEXT, span.start, len("head "), "")
    [moved] = apply_edits([span], [change])
    assert moved is not None
    assert new[moved.start : moved.end] == "teacher is cooperative"


def test_replacing_the_last_coded_word_shrinks_to_what_survives() -> None:
    span = span_of(TEXT, "head teacher")
    new, change = edit(TEXT, span.end - len("teacher"), len("teacher"), "mentor")
    [moved] = apply_edits([span], [change])
    assert moved is not None
    assert new[moved.start : moved.end] == "head "


def test_deleting_every_coded_character_drops_the_coding() -> None:
    span = span_of(TEXT, "cooperative")
    _, change = edit(TEXT, span.start - 1, len(" cooperative"), "")
    assert apply_edits([span], [change]) == [None]


def test_repeated_words_follow_the_real_edit_not_a_guess() -> None:
    text = "alpha alpha alpha"
    span = Span(12, 17)  # the third alpha
    new, change = edit(text, 0, 6, "")  # delete the first "alpha "
    [moved] = apply_edits([span], [change])
    assert moved is not None
    assert (moved.start, moved.end) == (6, 11)
    assert new[moved.start : moved.end] == "alpha"


def test_diff_fallback_for_unknown_edits() -> None:
    span = span_of(TEXT, "head teacher")
    new = "Honestly, " + TEXT.replace("refer", "send")
    [moved] = remap_by_diff([span], TEXT, new)
    assert moved is not None
    assert new[moved.start : moved.end] == "head teacher"


def test_snap_trims_whitespace() -> None:
    assert snap_to_words("  a b  ", Span(0, 7)) == Span(2, 5)
    assert snap_to_words("   ", Span(0, 3)) is None


@st.composite
def edit_sessions(draw: st.DrawFn) -> tuple[str, Span, list[tuple[int, int, str]]]:
    words = draw(
        st.lists(
            st.sampled_from(["alpha", "beta", "gamma", "zeta", "eps"]), min_size=2, max_size=10
        )
    )
    text = " ".join(words)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    raw_edits = draw(
        st.lists(
            st.tuples(
                st.floats(0, 1), st.integers(0, 6), st.sampled_from(["", "x", "new ", " and so "])
            ),
            min_size=1,
            max_size=8,
        )
    )
    return text, Span(start, end), [(int(f * 1000), r, a) for f, r, a in raw_edits]


@settings(max_examples=500, deadline=None)
@given(edit_sessions())
def test_random_edits_keep_the_span_on_the_surviving_coded_characters(
    case: tuple[str, Span, list[tuple[int, int, str]]],
) -> None:
    """A character model: every character knows whether it is in the coding. Coded words
    start in it; text typed strictly inside the coding (with coded characters left on both
    sides) joins it; text typed at its edge or replacing its edge does not. After any edits
    the span is exactly the run from the first to the last character still in the coding,
    every original coded character that survives is inside it, and with none left there is
    no span."""
    text, span, raw = case
    chars = [
        (c, span.start <= i < span.end, span.start <= i < span.end) for i, c in enumerate(text)
    ]
    edits = []
    for at, removed, added in raw:
        position = at % (len(chars) + 1)
        removed = min(removed, len(chars) - position)
        del chars[position : position + removed]
        inside = any(c[1] for c in chars[:position]) and any(c[1] for c in chars[position:])
        chars[position:position] = [(c, inside, False) for c in added]
        edits.append(Edit(position, removed, len(added)))
    [moved] = apply_edits([span], edits)
    members = [i for i, (_, in_span, _) in enumerate(chars) if in_span]
    if not members:
        assert moved is None
        return
    assert moved == Span(members[0], members[-1] + 1)
    originals = [i for i, (_, _, original) in enumerate(chars) if original]
    assert all(moved.start <= i < moved.end for i in originals)
