/*
 * ghost.dll - exists only at build time: missingdll.exe is linked against
 * it, and build.sh does NOT keep ghost.dll in samples/bin, so the import
 * can never be satisfied. Export: int ghost_function(void) (cdecl).
 */
__declspec(dllexport) int ghost_function(void)
{
    return 7;
}
