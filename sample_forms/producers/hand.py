"""A pen writing block capitals, a scribbled signature and a tick.

Each character is a few strokes (polylines on a unit cell: x across, y up
from the baseline to the cap height), written with its own small wobble in
position, size, slant and pressure from a seeded generator, the way a
person fills in a paper form.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

Stroke = list[tuple[float, float]]


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float) -> Stroke:
    steps = max(int(abs(end - start) / 20), 3)
    angles = np.deg2rad(np.linspace(start, end, steps + 1))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


_P_BOWL = [(0, 0), (0, 1), (0.4, 1), *_arc(0.4, 0.75, 0.22, 0.25, 90, -90), (0, 0.5)]

#: Character -> (advance width, strokes).
GLYPHS: dict[str, tuple[float, list[Stroke]]] = {
    "A": (0.7, [[(0, 0), (0.35, 1), (0.7, 0)], [(0.14, 0.4), (0.56, 0.4)]]),
    "B": (
        0.65,
        [
            [(0, 0), (0, 1), (0.4, 1), *_arc(0.4, 0.76, 0.2, 0.24, 90, -90), (0, 0.52)],
            [(0.4, 0.52), *_arc(0.4, 0.26, 0.25, 0.26, 90, -90), (0, 0)],
        ],
    ),
    "C": (0.65, [_arc(0.36, 0.5, 0.36, 0.5, 45, 315)]),
    "D": (0.7, [[(0, 0), (0, 1), (0.3, 1), *_arc(0.3, 0.5, 0.38, 0.5, 90, -90), (0, 0)]]),
    "E": (0.6, [[(0.6, 1), (0, 1), (0, 0), (0.6, 0)], [(0, 0.52), (0.45, 0.52)]]),
    "F": (0.6, [[(0.6, 1), (0, 1), (0, 0)], [(0, 0.52), (0.45, 0.52)]]),
    "G": (0.72, [[*_arc(0.36, 0.5, 0.36, 0.5, 50, 330), (0.7, 0.45), (0.42, 0.45)]]),
    "H": (0.65, [[(0, 0), (0, 1)], [(0.62, 0), (0.62, 1)], [(0, 0.5), (0.62, 0.5)]]),
    "I": (0.22, [[(0.1, 0), (0.1, 1)]]),
    "J": (0.6, [[(0.55, 1), (0.55, 0.25), *_arc(0.3, 0.25, 0.25, 0.25, 0, -180)]]),
    "K": (0.65, [[(0, 0), (0, 1)], [(0.6, 1), (0, 0.4)], [(0.18, 0.58), (0.62, 0)]]),
    "L": (0.55, [[(0, 1), (0, 0), (0.55, 0)]]),
    "M": (0.82, [[(0, 0), (0, 1), (0.4, 0.35), (0.8, 1), (0.8, 0)]]),
    "N": (0.68, [[(0, 0), (0, 1), (0.65, 0), (0.65, 1)]]),
    "O": (0.76, [_arc(0.38, 0.5, 0.38, 0.5, 100, 470)]),
    "P": (0.6, [_P_BOWL]),
    "Q": (0.78, [_arc(0.38, 0.5, 0.38, 0.5, 100, 470), [(0.42, 0.25), (0.8, -0.06)]]),
    "R": (0.65, [_P_BOWL, [(0.3, 0.5), (0.65, 0)]]),
    "S": (
        0.62,
        [[*_arc(0.31, 0.75, 0.29, 0.25, 20, 270), *_arc(0.31, 0.25, 0.31, 0.25, 90, -160)]],
    ),
    "T": (0.7, [[(0, 1), (0.7, 1)], [(0.35, 1), (0.35, 0)]]),
    "U": (0.66, [[(0, 1), *_arc(0.32, 0.32, 0.32, 0.32, 180, 360), (0.64, 1)]]),
    "V": (0.7, [[(0, 1), (0.35, 0), (0.7, 1)]]),
    "W": (0.92, [[(0, 1), (0.22, 0), (0.46, 0.7), (0.68, 0), (0.9, 1)]]),
    "X": (0.66, [[(0, 1), (0.65, 0)], [(0.65, 1), (0, 0)]]),
    "Y": (0.7, [[(0, 1), (0.35, 0.5), (0.7, 1)], [(0.35, 0.5), (0.35, 0)]]),
    "Z": (0.66, [[(0, 1), (0.65, 1), (0, 0), (0.65, 0)]]),
    "0": (0.6, [_arc(0.3, 0.5, 0.3, 0.5, 100, 470)]),
    "1": (0.4, [[(0.05, 0.8), (0.28, 1), (0.28, 0)]]),
    "2": (0.6, [[*_arc(0.3, 0.72, 0.29, 0.28, 160, -20), (0, 0), (0.62, 0)]]),
    "3": (
        0.6,
        [[*_arc(0.3, 0.76, 0.27, 0.24, 150, -90), *_arc(0.3, 0.27, 0.31, 0.27, 90, -150)]],
    ),
    "4": (0.65, [[(0.5, 0), (0.5, 1), (0, 0.3), (0.68, 0.3)]]),
    "5": (0.6, [[(0.58, 1), (0.08, 1), (0.05, 0.55), *_arc(0.3, 0.32, 0.3, 0.32, 140, -150)]]),
    "6": (
        0.62,
        [[(0.52, 1), (0.25, 0.8), (0.06, 0.45), *_arc(0.32, 0.3, 0.29, 0.3, 180, 540)]],
    ),
    "7": (0.6, [[(0, 1), (0.62, 1), (0.2, 0)]]),
    "8": (
        0.6,
        [_arc(0.3, 0.76, 0.24, 0.24, -90, 270), _arc(0.3, 0.27, 0.3, 0.27, 90, 450)],
    ),
    "9": (0.6, [[*_arc(0.3, 0.7, 0.27, 0.3, 0, 360), (0.55, 0.3), (0.35, 0)]]),
    "@": (
        0.95,
        [
            [
                *_arc(0.46, 0.45, 0.2, 0.26, 0, 360),
                (0.63, 0.25),
                (0.76, 0.2),
                (0.9, 0.45),
                *_arc(0.46, 0.45, 0.46, 0.55, 0, 300),
            ]
        ],
    ),
    ".": (0.22, [[(0.06, 0), (0.1, 0.04)]]),
    "-": (0.48, [[(0.06, 0.5), (0.42, 0.5)]]),
    "/": (0.5, [[(0, -0.05), (0.5, 1.05)]]),
    "'": (0.2, [[(0.1, 1), (0.08, 0.72)]]),
    " ": (0.55, []),
}


class Pen:
    """One writer: a slant, a size and an ink, with a generator for the wobble."""

    def __init__(self, rng: np.random.Generator, px_per_pt: float, ink: int = 40) -> None:
        self.rng = rng
        self.scale = px_per_pt
        self.slant = rng.uniform(0.05, 0.2)
        self.width = rng.uniform(0.8, 1.05) * px_per_pt
        self.ink = ink

    def draw(self, canvas: np.ndarray, points: Sequence[tuple[float, float]], width: float) -> None:
        """Ink one polyline (pixel coordinates) into ``canvas`` (grey, white paper)."""
        line = np.round(np.array(points) * 16).astype(np.int32).reshape(-1, 1, 2)
        thickness = max(int(round(width)), 1)
        cv2.polylines(canvas, [line], False, self.ink, thickness, cv2.LINE_AA, 4)

    def write(
        self, canvas: np.ndarray, text: str, x: float, base: float, room: float, size: float
    ) -> None:
        """Write ``text`` in capitals from ``x`` along the baseline ``base`` (pixels).

        Letters are about ``size`` points high and shrink if the text would
        not fit ``room`` pixels.
        """
        rng = self.rng
        height = rng.uniform(0.92, 1.08) * size * self.scale
        advance = sum(GLYPHS[ch][0] + 0.22 for ch in text) * height
        if advance > room:
            height *= room / advance
        drift = 0.0
        for ch in text:
            width, strokes = GLYPHS[ch]
            tall = height * rng.normal(1, 0.05)
            slant = self.slant + rng.normal(0, 0.04)
            drift = 0.7 * drift + rng.normal(0, 0.04) * height
            turn = np.deg2rad(rng.normal(0, 2.5))
            cos, sin = np.cos(turn), np.sin(turn)
            for stroke in strokes:
                points = []
                for gx, gy in stroke:
                    gx += rng.normal(0, 0.02)
                    gy += rng.normal(0, 0.02)
                    dx, dy = (gx + gy * slant) * tall, -gy * tall
                    points.append((x + dx * cos - dy * sin, base + drift + dx * sin + dy * cos))
                self.draw(canvas, points, self.width * rng.uniform(0.85, 1.15))
            x += (width + rng.uniform(0.16, 0.3)) * height

    def signature(self, canvas: np.ndarray, x: float, base: float, length: float) -> None:
        """A scribbled signature about ``length`` pixels long, sitting on ``base``."""
        rng = self.rng
        t = np.linspace(0, 1, 240)
        loops, tall = rng.uniform(5, 8), 20 * self.scale
        xs = x + length * 0.8 * t + 0.05 * length * np.sin(2 * np.pi * loops * t)
        ys = base - tall * (
            0.45
            + 0.4 * np.sin(2 * np.pi * loops * t + rng.uniform(0, 6)) * rng.uniform(0.7, 1.0)
            + 0.15 * np.sin(2 * np.pi * rng.uniform(1, 2) * t)
        )
        self.draw(canvas, list(zip(xs, ys, strict=True)), self.width * 1.1)
        flourish = [
            (x + length * f, base + 4 * self.scale - 3 * self.scale * np.sin(f * 3.1))
            for f in np.linspace(-0.05, 1.0, 24)
        ]
        self.draw(canvas, flourish, self.width)

    def tick(self, canvas: np.ndarray, x: float, top: float, size: float) -> None:
        """A hand-drawn ✓ in the box whose top-left corner is (x, top), overshooting it."""
        jitter = self.rng.normal(0, 0.05, (4, 2))
        shape = np.array([(0.1, 0.5), (0.35, 0.92), (0.75, 0.2), (1.25, -0.35)]) + jitter
        points = [(x + px * size, top + py * size) for px, py in shape]
        self.draw(canvas, points, self.width * 1.2)
