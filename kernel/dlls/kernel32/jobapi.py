"""jobapi.h / jobapi2.h: job objects, as far as console launchers use them."""
import struct

from ...hle.registry import export
from ...hle.types import BOOL, DWORD, HANDLE, LPCSTR, LPCWSTR, LPDWORD, LPVOID, UINT
from kernel.ob.handles import reference_object
from kernel.ps.job import Job
from kernel.ps.process import EProcess

JobObjectBasicAccountingInformation = 1
JobObjectBasicLimitInformation = 2
JobObjectBasicProcessIdList = 3
JobObjectExtendedLimitInformation = 9
BASIC_LIMIT_SIZE = 48           # JOBOBJECT_BASIC_LIMIT_INFORMATION on x86
EXTENDED_LIMIT_SIZE = 112       # JOBOBJECT_EXTENDED_LIMIT_INFORMATION on x86


def _create(ctx, name: str | None) -> int:
    kernel = ctx.kernel
    jobs = kernel.named_jobs
    if name and name in jobs:
        ctx.set_last_error(183)          # ERROR_ALREADY_EXISTS
        return ctx.process.handles.insert(jobs[name])
    job = Job(kernel, name or "")
    if name:
        jobs[name] = job
    ctx.set_last_error(0)
    return ctx.process.handles.insert(job)


@export
def CreateJobObjectA(ctx, lpJobAttributes: LPVOID, lpName: LPCSTR) -> HANDLE:
    return _create(ctx, lpName)


@export
def CreateJobObjectW(ctx, lpJobAttributes: LPVOID, lpName: LPCWSTR) -> HANDLE:
    return _create(ctx, lpName)


@export
def AssignProcessToJobObject(ctx, hJob: HANDLE, hProcess: HANDLE) -> BOOL:
    job = reference_object(ctx, hJob, Job)
    process = reference_object(ctx, hProcess, EProcess)
    if process.job is not None:
        ctx.set_last_error(5)            # already in a job: Windows 7 does not nest jobs
        return 0
    job.assign(process)
    return 1


@export
def SetInformationJobObject(ctx, hJob: HANDLE, JobObjectInformationClass: DWORD, lpJobObjectInformation: LPVOID,
                            cbJobObjectInformationLength: DWORD) -> BOOL:
    job = reference_object(ctx, hJob, Job)
    if JobObjectInformationClass in (JobObjectBasicLimitInformation, JobObjectExtendedLimitInformation):
        need = BASIC_LIMIT_SIZE if JobObjectInformationClass == JobObjectBasicLimitInformation else EXTENDED_LIMIT_SIZE
        if cbJobObjectInformationLength != need:
            ctx.set_last_error(24)       # ERROR_BAD_LENGTH
            return 0
        job.limit_flags = ctx.read_u32(lpJobObjectInformation + 16)
        return 1
    ctx.set_last_error(87)
    return 0


@export
def QueryInformationJobObject(ctx, hJob: HANDLE, JobObjectInformationClass: DWORD, lpJobObjectInformation: LPVOID,
                              cbJobObjectInformationLength: DWORD, lpReturnLength: LPDWORD) -> BOOL:
    job = ctx.process.job if hJob == 0 else reference_object(ctx, hJob, Job)
    if job is None:
        ctx.set_last_error(6)
        return 0
    if JobObjectInformationClass in (JobObjectBasicLimitInformation, JobObjectExtendedLimitInformation):
        size = BASIC_LIMIT_SIZE if JobObjectInformationClass == JobObjectBasicLimitInformation else EXTENDED_LIMIT_SIZE
        data = bytearray(size)
        struct.pack_into("<I", data, 16, job.limit_flags)
    elif JobObjectInformationClass == JobObjectBasicProcessIdList:
        pids = [p.pid for p in job.processes if p.alive]
        data = struct.pack(f"<II{len(pids)}I", len(pids), len(pids), *pids)
    elif JobObjectInformationClass == JobObjectBasicAccountingInformation:
        alive = sum(1 for p in job.processes if p.alive)
        data = struct.pack("<QQQQIIII", 0, 0, 0, 0, 0, job.total_processes, alive, job.total_processes - alive)
    else:
        ctx.set_last_error(87)
        return 0
    if cbJobObjectInformationLength < len(data):
        ctx.set_last_error(24)
        return 0
    ctx.write(lpJobObjectInformation, bytes(data))
    if lpReturnLength:
        ctx.write_u32(lpReturnLength, len(data))
    return 1


@export
def TerminateJobObject(ctx, hJob: HANDLE, uExitCode: UINT) -> BOOL:
    reference_object(ctx, hJob, Job).terminate(uExitCode)
    return 1


@export
def IsProcessInJob(ctx, ProcessHandle: HANDLE, JobHandle: HANDLE, Result: LPVOID) -> BOOL:
    process = reference_object(ctx, ProcessHandle, EProcess)
    if JobHandle:
        inside = process.job is reference_object(ctx, JobHandle, Job)
    else:
        inside = process.job is not None
    ctx.write_u32(Result, 1 if inside else 0)
    return 1
