"""winmm.dll: the multimedia timer functions of timeapi.h (timeGetTime, timeBeginPeriod,
timeEndPeriod, timeGetDevCaps), which language runtimes call to ask for a 1 ms timer resolution.
Every other winmm export is an "unsupported API" stub."""
from ...hle.registry import DllSpec
from . import timeapi
from .state import WinmmState

DLL = DllSpec(
    name="winmm.dll",
    base=0x73D10000,
    modules=[timeapi],
    state=WinmmState,
)
