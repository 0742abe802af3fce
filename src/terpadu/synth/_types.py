"""Array type aliases shared by the generator modules."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

IntArr: TypeAlias = npt.NDArray[np.int64]
FloatArr: TypeAlias = npt.NDArray[np.float64]
BoolArr: TypeAlias = npt.NDArray[np.bool_]
