"""Write the app icon: an SVG, and PNGs of every size the freedesktop icon theme wants.

The icon is a page of text on a blue tile with two words marked the way the app marks
entities: a coloured background with a darker underline. Run it from anywhere after
changing the drawing; it rewrites every file under packaging/linux/icons/:

    python packaging/linux/make_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

APP_ID = "io.github.annotator.Annotator"
SIZES = (16, 32, 48, 64, 128, 256)
ICONS = Path(__file__).resolve().parent / "icons" / "hicolor"

# Drawn on a 256 grid; shapes are large and aligned to multiples of 8 so the 16 px
# rendering still shows a page, text lines and a coloured mark.
SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>annotator</title>
  <rect x="8" y="8" width="240" height="240" rx="48" fill="#2f5d8a"/>
  <rect x="48" y="32" width="160" height="192" rx="16" fill="#ffffff"/>
  <g fill="#c3cad4">
    <rect x="72" y="64" width="112" height="16" rx="8"/>
    <rect x="136" y="104" width="48" height="16" rx="8"/>
    <rect x="72" y="144" width="40" height="16" rx="8"/>
    <rect x="72" y="184" width="80" height="16" rx="8"/>
  </g>
  <rect x="64" y="96" width="64" height="32" rx="6" fill="#ffb44c"/>
  <rect x="64" y="122" width="64" height="6" fill="#c46f00"/>
  <rect x="120" y="136" width="72" height="32" rx="6" fill="#6fd3c8"/>
  <rect x="120" y="162" width="72" height="6" fill="#1f8a7e"/>
</svg>
"""


def write_icons(root: Path = ICONS) -> list[Path]:
    """Write the SVG and every PNG under `root`; return the files written."""
    scalable = root / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_text(SVG, encoding="utf-8")
    written = [scalable]
    renderer = QSvgRenderer(QByteArray(SVG.encode()))
    if not renderer.isValid():
        raise SystemExit("the icon's SVG does not parse")
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        png = root / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        png.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(png)):  # PNG, from the suffix
            raise SystemExit(f"cannot write {png}")
        written.append(png)
    return written


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # kept alive while drawing
    for path in write_icons():
        print(path)
    app.quit()


if __name__ == "__main__":
    main()
