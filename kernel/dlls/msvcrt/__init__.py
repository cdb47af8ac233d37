"""msvcrt.dll (the system C runtime MinGW programs link), handlers grouped by C header."""
from ...hle.registry import DllSpec
from . import cppexcept, crt, ctype, direct, excpt, locale, lowio, malloc, math, stdio, stdlib, string, time
from .crt import DATA, CrtState, msvcrt_init

DLL = DllSpec(
    name="msvcrt.dll",
    base=0x76A80000,
    modules=[crt, ctype, locale, lowio, math, stdio, stdlib, string, time, cppexcept, excpt, direct, malloc],
    data=DATA,
    init=msvcrt_init,
    state=CrtState,
)
