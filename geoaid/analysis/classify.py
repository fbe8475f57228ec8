"""Colour classes for choropleths, shared by the web map and the print map.

mapclassify computes the class breaks (quantiles by default, Fisher–Jenks
natural breaks on request); the palettes are ColorBrewer's colour-blind-safe
sequential schemes. Zero gets its own class ("none"), so "no priority" or
"no funding" is never painted like a little.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np

PALETTES = {  # ColorBrewer sequential, 5 classes (colour-blind safe)
    "YlOrRd": ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    "YlGnBu": ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    "Purples": ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"],
    "Oranges": ["#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"],
}
ZERO_COLOUR = "#e0e0e0"


@dataclass
class Classes:
    breaks: list[float]          # upper bounds of the non-zero classes
    colours: list[str]
    index: np.ndarray            # class per value: -1 for zero/missing, else 0..k-1

    def colour_of(self) -> list[str]:
        return [ZERO_COLOUR if i < 0 else self.colours[i] for i in self.index]

    def legend(self, unit: str = "", decimals: int = 1, zero_label: str = "0") -> list[dict]:
        """Legend entries: colour and label "a – b unit" for each class."""
        entries = [{"colour": ZERO_COLOUR, "label": zero_label}]
        lower = 0.0
        for colour, upper in zip(self.colours, self.breaks):
            entries.append({"colour": colour,
                            "label": f"{_fmt(lower, decimals)} – {_fmt(upper, decimals)}{unit}"})
            lower = upper
        return entries


def _fmt(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def classify(values, k: int = 5, method: str = "quantiles", palette: str = "YlOrRd") -> Classes:
    """Classes for the positive values; zero and missing values are class -1."""
    data = np.asarray(values, dtype=float)
    positive = data[np.isfinite(data) & (data > 0)]
    index = np.full(len(data), -1)
    if positive.size == 0:
        return Classes([], [], index)
    k = max(1, min(k, len(np.unique(positive))))
    if k == 1:
        breaks = [float(positive.max())]
    else:
        with warnings.catch_warnings():  # mapclassify warns when it merges equal quantiles
            warnings.simplefilter("ignore", UserWarning)
            classifier = mapclassify.FisherJenks if method == "natural_breaks" else mapclassify.Quantiles
            breaks = list(classifier(positive, k=k).bins)
    colours = PALETTES[palette]
    colours = [colours[round(i * (len(colours) - 1) / max(len(breaks) - 1, 1))] for i in range(len(breaks))]
    mask = np.isfinite(data) & (data > 0)
    index[mask] = np.minimum(np.searchsorted(breaks, data[mask], side="left"), len(breaks) - 1)
    return Classes([float(b) for b in breaks], colours, index)
