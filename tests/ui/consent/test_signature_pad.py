"""The signature pad: strokes from the mouse, a PNG out, Clear, and its notes."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from plrdesk.ui.consent.signature_pad import NOTE_OPTIONAL, NOTE_REQUIRED, SignaturePad


def draw(qtbot: QtBot, pad: SignaturePad) -> None:
    canvas = pad.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(30, 60))
    for x, y in [(60, 40), (90, 80), (130, 50), (170, 70)]:
        qtbot.mouseMove(canvas, QPoint(x, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(200, 60))


def test_a_mouse_drag_signs_and_exports_png(qtbot: QtBot) -> None:
    pad = SignaturePad(required=True)
    qtbot.addWidget(pad)
    pad.show()
    qtbot.waitExposed(pad)
    assert pad.is_empty()
    assert pad.png_bytes() is None
    assert not pad.clear_button.isEnabled()
    with qtbot.waitSignal(pad.sig_changed):
        draw(qtbot, pad)
    assert not pad.is_empty()
    png = pad.png_bytes()
    assert png is not None
    assert png.startswith(b"\x89PNG")
    image = QImage.fromData(png)
    # Cropped to the ink (170 px wide, 40 px tall, plus margins) at twice the size.
    assert 340 <= image.width() <= 420
    assert 80 <= image.height() <= 140
    assert pad.clear_button.isEnabled()
    with qtbot.waitSignal(pad.sig_changed):
        qtbot.mouseClick(pad.clear_button, Qt.MouseButton.LeftButton)
    assert pad.is_empty()


def test_the_pad_is_named_and_tells_keyboard_users_what_to_do(qtbot: QtBot) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    assert pad.canvas.accessibleName() == "Signature pad"
    assert pad.note.text() == NOTE_OPTIONAL
    assert "optional" in pad.canvas.accessibleDescription()
    pad.set_required(True)
    assert pad.note.text() == NOTE_REQUIRED
    assert "keyboard cannot draw" in pad.canvas.accessibleDescription()
    assert SignaturePad("Signature: Child").canvas.accessibleName() == (
        "Signature pad: Signature: Child"
    )
