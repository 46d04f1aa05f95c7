"""Random durations for the simulator: handle times and patience.

Each distribution draws from an injected ``random.Random`` stream, so runs are repeatable and
one stream's use does not shift another's (adding patience does not change arrival times).
"""

import math
from dataclasses import dataclass
from typing import Protocol


class Stream(Protocol):
    """The part of ``random.Random`` the distributions use."""

    def random(self) -> float:
        """A float in [0, 1)."""
        ...

    def expovariate(self, lambd: float) -> float:
        """An exponential draw with rate ``lambd``."""
        ...

    def lognormvariate(self, mu: float, sigma: float) -> float:
        """A lognormal draw."""
        ...


@dataclass(frozen=True, slots=True)
class Duration:
    """A duration distribution: ``exponential`` or ``constant`` (mean), ``lognormal`` (mean, sd)."""

    distribution: str
    mean_s: float
    sd_s: float = 0.0

    def draw(self, stream: Stream) -> float:
        """One duration in seconds."""
        if self.distribution == "exponential":
            return stream.expovariate(1.0 / self.mean_s)
        if self.distribution == "lognormal":
            # Parameters of the underlying normal from the mean and sd of the lognormal itself.
            sigma2 = math.log(1.0 + (self.sd_s / self.mean_s) ** 2)
            return stream.lognormvariate(math.log(self.mean_s) - sigma2 / 2.0, math.sqrt(sigma2))
        return self.mean_s
