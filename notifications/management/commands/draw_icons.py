"""Draw the installable site's icons (static/icons/*.png) from the logo's shapes (static/img/logo.svg):
a rounded square in Chaat's violet with a white speech bubble. The PNGs are committed; run this again
only to change them."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

VIOLET = (91, 91, 214, 255)
WHITE = (255, 255, 255, 255)
SCALE = 4  # drawn large, then scaled down: smooth edges without an antialiasing renderer


def _bubble(draw: ImageDraw.ImageDraw, size: int, inset: float, color: tuple[int, ...]) -> None:
    """The logo's bubble (a 20 by 12 rounded box with a tail, in a 32-unit square), fitted into the
    square with `inset` of it left free on each side."""
    unit = size * (1 - 2 * inset) / 20
    left, top = size * inset, size / 2 - unit * 9
    draw.rounded_rectangle([left, top, left + 20 * unit, top + 12 * unit], radius=2 * unit, fill=color)
    draw.polygon([(left + 4 * unit, top + 11 * unit), (left + 4 * unit, top + 16 * unit),
                  (left + 10 * unit, top + 11 * unit)], fill=color)


def draw_icon(size: int, *, maskable: bool = False, badge: bool = False) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if badge:  # the small monochrome icon in the status bar: shape only
        _bubble(draw, big, 0.12, WHITE)
    elif maskable:  # full bleed; the bubble inside the central safe zone
        draw.rectangle([0, 0, big, big], fill=VIOLET)
        _bubble(draw, big, 0.25, WHITE)
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big // 4, fill=VIOLET)
        _bubble(draw, big, 0.19, WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


class Command(BaseCommand):
    help = "Draw the site's app icons into static/icons/."

    def handle(self, *args: object, **options: object) -> None:
        folder = Path(settings.BASE_DIR) / "static" / "icons"
        folder.mkdir(parents=True, exist_ok=True)
        icons = {
            "icon-192.png": draw_icon(192), "icon-512.png": draw_icon(512),
            "maskable-512.png": draw_icon(512, maskable=True), "apple-touch-icon.png": draw_icon(180, maskable=True),
            "badge-96.png": draw_icon(96, badge=True),
        }
        for name, image in icons.items():
            image.save(folder / name, optimize=True)
            self.stdout.write(f"static/icons/{name}")
