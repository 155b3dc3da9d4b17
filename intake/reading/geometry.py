"""Boxes on a page, in PDF points from the top left: the one shape every
reader step shares."""

from __future__ import annotations

from typing import NamedTuple


class Box(NamedTuple):
    """An axis-aligned box: ``x0 < x1`` left to right, ``top < bottom`` downwards."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2

    def contains_point(self, x: float, y: float) -> bool:
        """Whether the point lies inside the box (edges included).

        >>> Box(0, 0, 10, 10).contains_point(10, 5)
        True
        """
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom

    def holds_centre_of(self, other: Box) -> bool:
        """Whether ``other``'s centre lies inside this box."""
        return self.contains_point(*other.centre)

    def overlap(self, other: Box) -> float:
        """The area this box shares with ``other``.

        >>> Box(0, 0, 10, 10).overlap(Box(5, 5, 20, 20))
        25.0
        """
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.bottom, other.bottom) - max(self.top, other.top)
        return float(max(width, 0) * max(height, 0))

    def shrunk(self, margin: float) -> Box:
        """The box with ``margin`` taken off every side."""
        return Box(self.x0 + margin, self.top + margin, self.x1 - margin, self.bottom - margin)
