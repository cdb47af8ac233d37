/*
 * reloclib.c -> relocA.dll (built with -DLETTER=A) and relocB.dll
 * (-DLETTER=B). Both DLLs are linked at the SAME preferred base
 * 0x10000000, with a .reloc section (DYNAMIC_BASE), and have identical
 * layouts, so when both are loaded at least one must be relocated.
 * Exports (cdecl):
 *   const char *relocX_string(void)  returns relocX_msg_ptr, a pointer
 *                                    stored in .data -> needs a HIGHLOW
 *                                    fixup in .data
 *   void *relocX_self(void)          returns &relocX_self as an immediate
 *                                    in code -> needs a HIGHLOW fixup in
 *                                    .text
 *   const char *relocX_msg_ptr       DATA export (the pointer itself)
 * The strings are "string from relocA" / "string from relocB" (same length,
 * same offsets): if relocB were left unrelocated at relocA's place, its
 * pointers would lead into relocA and print relocA's string.
 * No output of its own. Used by reloc.exe.
 */
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(x) #x
#define STR(x) STR2(x)
#define NAME(suffix) CAT(CAT(reloc, LETTER), suffix)

__declspec(dllexport) const char *NAME(_msg_ptr) = "string from reloc" STR(LETTER);

__declspec(dllexport) const char *NAME(_string)(void)
{
    return NAME(_msg_ptr);
}

__declspec(dllexport) void *NAME(_self)(void)
{
    return (void *)&NAME(_self);
}
