"""Draw the built-in "chaat" sticker pack with Pillow: `python messaging/stickers/draw.py`.

Our own simple art (no third-party images). Each sticker is drawn at 4x and scaled down for
smooth edges, then written next to this file as <id>.png (256x256, transparent). The ids and
names here match the data migration messaging/migrations/0002_chaat_stickers.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256
SCALE = 4
S = SIZE * SCALE
HERE = Path(__file__).resolve().parent

YELLOW, ORANGE, INK = "#ffd23f", "#f59e0b", "#3b2f2f"
RED, PINK, BLUE, WHITE = "#ef4444", "#fb7185", "#60a5fa", "#ffffff"
LINE = 9 * SCALE


def u(value: float) -> int:
    """A coordinate on the 256-unit canvas, in drawing pixels."""
    return round(value * SCALE)


def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    return (u(x0), u(y0), u(x1), u(y1))


def face(d: ImageDraw.ImageDraw, color: str = YELLOW) -> None:
    d.ellipse(box(24, 24, 232, 232), fill=color, outline=INK, width=LINE)


def dot_eyes(d: ImageDraw.ImageDraw, y: float = 104) -> None:
    d.ellipse(box(84, y - 16, 108, y + 16), fill=INK)
    d.ellipse(box(148, y - 16, 172, y + 16), fill=INK)


def cheeks(d: ImageDraw.ImageDraw) -> None:
    d.ellipse(box(52, 136, 84, 156), fill=PINK)
    d.ellipse(box(172, 136, 204, 156), fill=PINK)


def heart(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, color: str = RED, outline: bool = True) -> None:
    """A heart from two circles and a triangle, centred on (cx, cy) with lobes of radius r."""
    points = [(u(cx - 2 * r + r * 0.12), u(cy - r * 0.1)), (u(cx + 2 * r - r * 0.12), u(cy - r * 0.1)),
              (u(cx), u(cy + 1.9 * r))]
    if outline:
        grow = 4
        d.ellipse(box(cx - 2 * r - grow, cy - 1.6 * r - grow, cx + grow, cy + 0.4 * r + grow), fill=INK)
        d.ellipse(box(cx - grow, cy - 1.6 * r - grow, cx + 2 * r + grow, cy + 0.4 * r + grow), fill=INK)
        d.polygon([(x, y + u(grow * 1.6)) if i == 2 else (x + (-1 if i == 0 else 1) * u(grow), y)
                   for i, (x, y) in enumerate(points)], fill=INK)
    d.ellipse(box(cx - 2 * r, cy - 1.6 * r, cx, cy + 0.4 * r), fill=color)
    d.ellipse(box(cx, cy - 1.6 * r, cx + 2 * r, cy + 0.4 * r), fill=color)
    d.polygon(points, fill=color)


def star_points(cx: float, cy: float, outer: float, inner: float, turn: float = -90) -> list[tuple[int, int]]:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(turn + i * 36)
        points.append((u(cx + radius * math.cos(angle)), u(cy + radius * math.sin(angle))))
    return points


def smile(d: ImageDraw.ImageDraw) -> None:
    face(d)
    dot_eyes(d)
    cheeks(d)
    d.arc(box(72, 96, 184, 188), 20, 160, fill=INK, width=LINE)


def laugh(d: ImageDraw.ImageDraw) -> None:
    face(d)
    d.arc(box(76, 88, 116, 124), 200, 340, fill=INK, width=LINE)
    d.arc(box(140, 88, 180, 124), 200, 340, fill=INK, width=LINE)
    d.chord(box(64, 112, 192, 212), 0, 180, fill=INK)
    d.chord(box(96, 170, 160, 214), 180, 360, fill=RED)


def wink(d: ImageDraw.ImageDraw) -> None:
    face(d)
    d.ellipse(box(84, 88, 108, 120), fill=INK)
    d.arc(box(140, 92, 180, 124), 200, 340, fill=INK, width=LINE)
    cheeks(d)
    d.arc(box(84, 110, 172, 180), 20, 160, fill=INK, width=LINE)
    d.ellipse(box(140, 160, 164, 190), fill=RED)


def love(d: ImageDraw.ImageDraw) -> None:
    face(d)
    heart(d, 96, 100, 13, outline=False)
    heart(d, 160, 100, 13, outline=False)
    d.arc(box(76, 110, 180, 190), 20, 160, fill=INK, width=LINE)


def big_heart(d: ImageDraw.ImageDraw) -> None:
    heart(d, 128, 104, 54)
    d.ellipse(box(70, 62, 98, 86), fill="#fecaca")


def thumbs_up(d: ImageDraw.ImageDraw) -> None:
    d.rounded_rectangle(box(40, 116, 88, 224), radius=u(10), fill=BLUE, outline=INK, width=LINE)
    d.rounded_rectangle(box(96, 36, 140, 140), radius=u(22), fill=YELLOW, outline=INK, width=LINE)
    d.rounded_rectangle(box(84, 110, 216, 224), radius=u(28), fill=YELLOW, outline=INK, width=LINE)
    for y in (136, 164, 192):
        d.line([(u(160), u(y)), (u(210), u(y))], fill=INK, width=u(6))


def star(d: ImageDraw.ImageDraw) -> None:
    d.polygon(star_points(128, 136, 112, 50), fill=INK)
    d.polygon(star_points(128, 136, 98, 42), fill=YELLOW)
    dot_eyes(d, 130)
    d.arc(box(104, 130, 152, 170), 20, 160, fill=INK, width=u(7))


def sad(d: ImageDraw.ImageDraw) -> None:
    face(d)
    dot_eyes(d)
    d.arc(box(80, 156, 176, 220), 200, 340, fill=INK, width=LINE)
    d.polygon([(u(172), u(124)), (u(160), u(152)), (u(184), u(152))], fill=BLUE)
    d.ellipse(box(160, 140, 184, 166), fill=BLUE)


def wow(d: ImageDraw.ImageDraw) -> None:
    face(d)
    d.ellipse(box(78, 80, 112, 124), fill=WHITE, outline=INK, width=u(6))
    d.ellipse(box(144, 80, 178, 124), fill=WHITE, outline=INK, width=u(6))
    d.ellipse(box(88, 94, 104, 112), fill=INK)
    d.ellipse(box(154, 94, 170, 112), fill=INK)
    d.ellipse(box(108, 148, 148, 198), fill=INK)


def cool(d: ImageDraw.ImageDraw) -> None:
    face(d)
    d.rounded_rectangle(box(60, 84, 124, 124), radius=u(14), fill=INK)
    d.rounded_rectangle(box(132, 84, 196, 124), radius=u(14), fill=INK)
    d.line([(u(40), u(96)), (u(216), u(96))], fill=INK, width=u(8))
    d.line([(u(74), u(94)), (u(92), u(94))], fill="#9ca3af", width=u(5))
    d.arc(box(88, 128, 184, 184), 10, 120, fill=INK, width=LINE)


def sleepy(d: ImageDraw.ImageDraw) -> None:
    face(d, "#fde68a")
    d.arc(box(76, 100, 116, 124), 20, 160, fill=INK, width=LINE)
    d.arc(box(140, 100, 180, 124), 20, 160, fill=INK, width=LINE)
    d.ellipse(box(112, 160, 144, 188), fill=INK)
    for x, y, size in ((176, 40, 30), (208, 14, 22)):
        d.line([(u(x), u(y)), (u(x + size), u(y)), (u(x), u(y + size)), (u(x + size), u(y + size))],
               fill=BLUE, width=u(6), joint="curve")


def party(d: ImageDraw.ImageDraw) -> None:
    face(d)
    d.polygon([(u(80), u(50)), (u(128), u(-8)), (u(150), u(44))], fill="#a78bfa", outline=INK)
    d.arc(box(76, 88, 116, 124), 200, 340, fill=INK, width=LINE)
    d.arc(box(140, 88, 180, 124), 200, 340, fill=INK, width=LINE)
    d.arc(box(80, 120, 176, 196), 20, 160, fill=INK, width=LINE)
    for x, y, color in ((32, 40, RED), (214, 60, BLUE), (20, 170, "#34d399"), (226, 190, "#a78bfa"),
                        (200, 20, ORANGE), (50, 226, PINK)):
        d.rounded_rectangle(box(x - 8, y - 8, x + 8, y + 8), radius=u(3), fill=color)


def coffee(d: ImageDraw.ImageDraw) -> None:
    for x in (96, 128, 160):
        d.arc(box(x - 14, 26, x + 14, 70), 100, 260, fill="#9ca3af", width=u(6))
    d.arc(box(176, 110, 232, 176), 270, 90, fill=INK, width=u(14))
    d.rounded_rectangle(box(48, 84, 196, 216), radius=u(26), fill=WHITE, outline=INK, width=LINE)
    d.rectangle(box(60, 96, 184, 112), fill="#92400e")
    heart(d, 122, 154, 16, color=PINK, outline=False)


def rainbow(d: ImageDraw.ImageDraw) -> None:
    for i, color in enumerate((RED, ORANGE, YELLOW, "#34d399", BLUE, "#a78bfa")):
        inset = 16 + i * 14
        d.pieslice(box(inset, 40 + inset, 256 - inset, 296 - inset), 180, 360, fill=color)
    d.pieslice(box(100, 124, 156, 180), 180, 360, fill=(0, 0, 0, 0))
    for cx in (40, 216):
        d.ellipse(box(cx - 34, 150, cx + 34, 204), fill=WHITE, outline="#cbd5e1", width=u(4))


STICKERS: list[tuple[str, str, Callable[[ImageDraw.ImageDraw], None]]] = [
    ("chaat-smile", "Smile", smile),
    ("chaat-laugh", "Laugh", laugh),
    ("chaat-wink", "Wink", wink),
    ("chaat-love", "Love", love),
    ("chaat-heart", "Heart", big_heart),
    ("chaat-thumbs-up", "Thumbs up", thumbs_up),
    ("chaat-star", "Star", star),
    ("chaat-sad", "Sad", sad),
    ("chaat-wow", "Wow", wow),
    ("chaat-cool", "Cool", cool),
    ("chaat-sleepy", "Sleepy", sleepy),
    ("chaat-party", "Party", party),
    ("chaat-coffee", "Coffee", coffee),
    ("chaat-rainbow", "Rainbow", rainbow),
]


def draw_all() -> None:
    for sticker_id, _name, paint in STICKERS:
        canvas = Image.new("RGBA", (S, S), (0, 0, 0, 0))
        paint(ImageDraw.Draw(canvas))
        canvas.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(HERE / f"{sticker_id}.png", optimize=True)


if __name__ == "__main__":
    draw_all()
