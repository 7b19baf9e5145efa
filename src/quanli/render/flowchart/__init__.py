"""Operation flowcharts (一图): the package's public names (the next commit splits geometry.py into modules)."""

from quanli.render.flowchart.geometry import *  # noqa: F401,F403
from quanli.render.flowchart.geometry import NO_LINE_END, NO_LINE_START, PAD, __all__, _limit_text, _mm_wrap  # noqa: F401
