"""A pad to sign on: strokes from a mouse, a pen (tablet events) or a finger (touch).

The signature leaves as PNG bytes, cropped to the ink with a small margin, in black on
white so that it prints on a participant's copy. A keyboard cannot draw: the note under the
pad says what a keyboard user can do instead.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QImageWriter,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

INK = QColor("#10205a")
NOTE_OPTIONAL = (
    "Signing here is optional for written or verbal consent. If you use a keyboard, "
    "leave it blank: the consent stands without it."
)
NOTE_REQUIRED = (
    "Sign with a mouse, a pen or a finger. A keyboard cannot draw a signature: "
    "record the consent as written or verbal instead."
)


class SignatureCanvas(QWidget):
    """The surface that takes the strokes."""

    sig_changed = Signal()
    """A stroke was drawn or the pad was cleared."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[list[QPointF]] = []
        self._drawing = False
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(320, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Signature pad")

    def sizeHint(self) -> QSize:
        return QSize(460, 140)

    # -- strokes ------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return not any(len(stroke) > 0 for stroke in self._strokes)

    def clear(self) -> None:
        if self._strokes:
            self._strokes = []
            self.update()
            self.sig_changed.emit()

    def _begin(self, point: QPointF) -> None:
        self._drawing = True
        self._strokes.append([point])
        self.update()

    def _extend(self, point: QPointF) -> None:
        if self._drawing and self._strokes:
            self._strokes[-1].append(point)
            self.update()

    def _end(self, point: QPointF) -> None:
        if self._drawing:
            self._extend(point)
            self._drawing = False
            self.sig_changed.emit()

    # -- input ----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._extend(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position())

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self._end(event.position())
        event.accept()  # no synthesised mouse events: the pen draws once

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in {QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd}:
            assert isinstance(event, QTouchEvent)
            points = event.points()
            if points:
                where = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(where)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(where)
                else:
                    self._end(where)
            event.accept()
            return True
        if kind == QEvent.Type.TouchCancel:
            self._drawing = False
            event.accept()
            return True
        return super().event(event)

    # -- drawing --------------------------------------------------------------------------

    def _paint_strokes(self, painter: QPainter, width: float) -> None:
        pen = QPen(INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        for stroke in self._strokes:
            if len(stroke) == 1:
                painter.drawPoint(stroke[0])
                continue
            path = QPainterPath(stroke[0])
            for point in stroke[1:]:
                path.lineTo(point)
            painter.drawPath(path)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        baseline = self.height() - 28
        painter.setPen(QPen(QColor("#8a8a8a"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        painter.drawText(18, baseline - 6, "×")
        frame = QColor(self.palette().highlight().color() if self.hasFocus() else "#9a9a9a")
        painter.setPen(QPen(frame, 2 if self.hasFocus() else 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        self._paint_strokes(painter, 2.4)
        painter.end()

    def bounds(self) -> QRectF:
        box = QRectF()
        for stroke in self._strokes:
            for point in stroke:
                box = box.united(QRectF(point.x(), point.y(), 0.5, 0.5))
        return box

    def png_bytes(self, scale: float = 2.0) -> bytes:
        """The ink, cropped with a margin, black on white, as PNG; empty bytes when unsigned."""
        if self.is_empty():
            return b""
        margin = 8.0
        box = self.bounds().adjusted(-margin, -margin, margin, margin)
        image = QImage(
            max(1, round(box.width() * scale)),
            max(1, round(box.height() * scale)),
            QImage.Format.Format_RGB32,
        )
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        painter.translate(-box.topLeft())
        self._paint_strokes(painter, 2.4)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        written = QImageWriter(buffer, QByteArray(b"png")).write(image)
        buffer.close()
        if not written:
            raise OSError("The signature could not be turned into a PNG image.")
        return bytes(data.data())


class SignaturePad(QWidget):
    """A signature canvas with its label, a Clear button and a note for keyboard users."""

    sig_changed = Signal()
    """The signature was drawn or cleared."""

    def __init__(
        self, label: str = "Signature", *, required: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.canvas = SignatureCanvas(self)
        self.canvas.setAccessibleName(
            "Signature pad" if label == "Signature" else f"Signature pad: {label}"
        )
        self.title = QLabel(label)
        self.title.setBuddy(self.canvas)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setAccessibleName(f"Clear the signature: {label}")
        self.clear_button.setToolTip("Rub out the signature and sign again")
        self.clear_button.clicked.connect(self.canvas.clear)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("signatureNote")
        self.note.setStyleSheet("color: palette(placeholder-text);")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.canvas)
        layout.addWidget(self.note)
        self.canvas.sig_changed.connect(self._changed)
        self.set_required(required)
        self._changed()

    def set_required(self, required: bool) -> None:
        """Electronic consent needs the signature; otherwise it is optional, and says so."""
        self.required = required
        note = NOTE_REQUIRED if required else NOTE_OPTIONAL
        self.note.setText(note)
        self.canvas.setAccessibleDescription(note)

    def _changed(self) -> None:
        self.clear_button.setEnabled(not self.canvas.is_empty())
        self.sig_changed.emit()

    def is_empty(self) -> bool:
        return self.canvas.is_empty()

    def clear(self) -> None:
        self.canvas.clear()

    def png_bytes(self) -> bytes | None:
        """The signature as PNG, or None when nothing is drawn."""
        return self.canvas.png_bytes() or None
