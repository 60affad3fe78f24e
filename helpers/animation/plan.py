"""What a player plays: a plan. Two kinds, one interface (:class:`Plan`).

A plan holds every tensor the player shows, computed once by the course's operations:

- :class:`~helpers.animation.sliding.SlidingPlan`: cross-correlation and pooling, a window sliding
  over the (padded) input, one step per output value;
- :class:`~helpers.animation.scatter.ScatterPlan`: transposed convolution as a scatter, one step
  per input cell.

The page (:mod:`helpers.animation.page`), the payload (:mod:`helpers.animation.payload`) and the
figures (:mod:`helpers.drawing`) ask a plan only what :class:`Plan` declares, never which kind it
is.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

MAX_STEPS = 512  # a player is for small teaching examples; more steps than this is unreadable
MAX_SIDE = 24  # largest padded input side the player draws
MAX_UPDATES = 2048  # transposed player: input cells × kernel cells (each a value the page stores)


@dataclass(frozen=True)
class Panel:
    """One piece of the final state, as the page shows it without JavaScript (and in print): a
    ``grid`` of display strings under ``caption`` (``pad(r, c)`` marks padding cells), or, with no
    grid, a line of text ``caption`` of CSS class ``css``."""

    caption: str
    grid: list | None = None
    pad: Callable[[int, int], bool] | None = None
    css: str = ""


class Plan(ABC):
    """The interface of both plan kinds.

    ``mode`` is the operation (``"corr"``, ``"max"``, ``"avg"`` or ``"transposed"``), ``out`` the
    final output tensor. The rest is methods, so a caller never asks for the kind.
    """

    mode: str
    out: torch.Tensor

    @property
    @abstractmethod
    def count(self) -> int:
        """Number of steps: one per output value, or one per input cell (transposed)."""

    @abstractmethod
    def steps(self, limit: int | None = None) -> list:
        """The steps in play order; only the first ``limit`` when given."""

    @abstractmethod
    def title(self) -> str:
        """The player's default title, from the shapes."""

    @abstractmethod
    def description(self) -> str:
        """The player's default accessible description, from the shapes."""

    @abstractmethod
    def payload(self) -> dict:
        """The page's JSON data (:mod:`helpers.animation.payload`)."""

    @abstractmethod
    def final_state(self, data: dict) -> list[Panel]:
        """The panels of the final state, from the display strings of ``data`` (the payload)."""


def as_float_tensor(value, name: str) -> torch.Tensor:
    """``value`` (tensor, array or nested lists) as a tensor on the CPU, floating point."""
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
    else:
        try:
            t = torch.as_tensor(np.asarray(value))
        except (TypeError, ValueError) as exc:
            msg = f"{name} must be a tensor, an array or nested lists of numbers."
            raise TypeError(msg) from exc
    if not torch.is_floating_point(t):
        t = t.to(torch.float32)
    return t
