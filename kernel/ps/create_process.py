"""Process creation, step by step as Windows NT does it (shared/BOOT-FLOW.md).

`create_process` is kernel32!CreateProcessW (section 1 of the flow); it calls `psp_create_process`
(section 2) and `psp_create_thread` (section 3).  Every step is reported to the boot trace under its
BOOT-FLOW number and Windows name, with what it made.
"""
from __future__ import annotations

import struct

from emu.context import CONTEXT_FULL, CONTEXT_SIZE
from emu.cpu import SEL_TEB, SEL_USER_CODE, SEL_USER_DATA
from emu.memory import (PAGE_GUARD, PAGE_READWRITE, PAGE_SIZE, page_ceil)

from kernel.rtl import paths
from kernel.structs.guestmem import write_fields
from kernel.ob.object import CidTable
from kernel.ps.process import EProcess, EThread
from kernel.mm.kernel_space import KERNEL_STACK_SIZE, KUSER_SHARED_DATA
from kernel.rtl.status import NtError

CREATE_SUSPENDED = 0x00000004
DETACHED_PROCESS = 0x00000008
CREATE_NEW_CONSOLE = 0x00000010
CREATE_WITH_USERPROFILE = 0x02000000
CREATE_BREAKAWAY_FROM_JOB = 0x01000000
PRIORITY_CLASSES = [(0x40, "IDLE"), (0x4000, "BELOW_NORMAL"), (0x20, "NORMAL"),
                    (0x8000, "ABOVE_NORMAL"), (0x80, "HIGH"), (0x100, "REALTIME")]

PEB_ADDRESS = 0x7FFDF000          # deterministic; Windows 7 randomizes it within 0x7FFD0000-0x7FFDF000
FIRST_TEB = 0x7FFDE000            # TEBs go downward from here, one page each
CONSOLE_STDIN, CONSOLE_STDOUT, CONSOLE_STDERR = 0x3, 0x7, 0xB   # Windows 7 console handles

IMAGE_SUBSYSTEM_WINDOWS_GUI = 2
IMAGE_SUBSYSTEM_WINDOWS_CUI = 3


def create_process(kernel, application_name: str | None, command_line: str, *,
                   creation_flags: int = 0, current_directory: str | None = None,
                   environment: dict | None = None, parent: EProcess | None = None,
                   std_handles: tuple[int, int, int] | None = None, ignore_ifeo: bool = False,
                   inherit_handles: bool = False):
    """kernel32!CreateProcessW.  Returns (process, thread); raises NtError for a refused image."""
    trace = kernel.trace
    # 1.1 validate flags
    if (creation_flags & (DETACHED_PROCESS | CREATE_NEW_CONSOLE)) == (DETACHED_PROCESS | CREATE_NEW_CONSOLE) \
            or creation_flags & CREATE_WITH_USERPROFILE:
        raise NtError("STATUS_INVALID_PARAMETER", "CreateProcessW: invalid combination of creation flags")
    priority = next((name for bit, name in PRIORITY_CLASSES if creation_flags & bit), "NORMAL")
    trace.step("1.1", "CreateProcessW", flags=f"{creation_flags:#x}", priority_class=priority)

    # 1.2 find the image
    win32_path = _find_image(kernel, application_name, command_line, current_directory, parent)
    nt_path = paths.to_nt_path(win32_path)
    trace.step("1.2", "SearchPath", image=win32_path, nt_path=nt_path)

    # 1.3 open it
    file = kernel.io.open_image_file(nt_path)
    trace.step("1.3", "NtOpenFile", file=nt_path, access="SYNCHRONIZE|FILE_EXECUTE",
               share="FILE_SHARE_READ|FILE_SHARE_DELETE")

    # 1.4 the image section
    section = kernel.mm.create_image_section(file)
    trace.step("1.4", "NtCreateSection", attributes="SEC_IMAGE", protection="PAGE_EXECUTE",
               image_base=section.image.info.image_base, size=section.image.info.size_of_image)

    # 1.5 what kind of image
    info = section.image.info
    trace.step("1.5", "NtQuerySection", information_class="SectionImageInformation",
               transfer_address=info.entry_va(info.image_base),
               stack_reserve=info.stack_reserve, stack_commit=info.stack_commit,
               subsystem=info.subsystem, subsystem_version="%d.%d" % info.subsystem_version,
               machine=info.machine, characteristics=info.characteristics)
    if section.image.is_dll:
        raise NtError("STATUS_INVALID_IMAGE_FORMAT", f"{win32_path} is a DLL, not a program")
    if info.subsystem not in (IMAGE_SUBSYSTEM_WINDOWS_CUI, IMAGE_SUBSYSTEM_WINDOWS_GUI):
        raise NtError("STATUS_INVALID_IMAGE_FORMAT",
                      f"{win32_path}: subsystem {info.subsystem} is not a Win32 subsystem")
    if not kernel.profile.accepts_subsystem_version(info.subsystem_version):
        raise NtError("STATUS_INVALID_IMAGE_FORMAT",
                      f"{win32_path} needs subsystem version {info.subsystem_version[0]}.{info.subsystem_version[1]}; "
                      f"{kernel.profile.description} accepts {kernel.profile.min_subsystem[0]}.{kernel.profile.min_subsystem[1]}"
                      f" to {kernel.profile.max_subsystem[0]}.{kernel.profile.max_subsystem[1]}")

    # 1.6 Image File Execution Options: a Debugger value starts the debugger instead, with the
    # original command line after its own (what CreateProcessW does unless it is the debugger asking)
    from kernel.cm.registry import image_file_execution_options
    options = image_file_execution_options(kernel, paths.basename(win32_path))     # HKLM\...\IFEO\<name>
    debugger = options.get("Debugger")
    trace.step("1.6", "LdrQueryImageFileExecutionOptions", image=paths.basename(win32_path),
               debugger=debugger or "(none)")
    if debugger and not ignore_ifeo:
        return create_process(kernel, None, f"{debugger} {command_line}", creation_flags=creation_flags,
                              current_directory=current_directory, environment=environment, parent=parent,
                              std_handles=std_handles, ignore_ifeo=True, inherit_handles=inherit_handles)

    # 1.7 the process object
    trace.step("1.7", "NtCreateProcessEx", section="image section", parent=parent.pid if parent else 0)
    process = psp_create_process(kernel, section, win32_path, parent)
    process.console_attached = not creation_flags & (DETACHED_PROCESS | CREATE_NEW_CONSOLE) and \
        getattr(parent, "console_attached", True)
    if parent is not None and inherit_handles:
        count = process.handles.inherit_from(parent.handles)
        trace.step("1.7", "ObInheritHandles", inherited=count)
    job = getattr(parent, "job", None)
    if job is not None and not (creation_flags & CREATE_BREAKAWAY_FROM_JOB and job.breakaway_ok) \
            and not job.silent_breakaway:
        job.assign(process)

    # 1.8 process parameters
    env = kernel.default_environment() if environment is None else environment
    cwd = current_directory or (parent.current_directory if parent else kernel.default_current_directory)
    if std_handles is None:
        std_handles = parent.std_handles() if parent is not None and hasattr(parent, "std_handles") \
            else (CONSOLE_STDIN, CONSOLE_STDOUT, CONSOLE_STDERR)
    base_push_process_parameters(kernel, process, win32_path, command_line, cwd, env, std_handles)

    # 1.9 the stack, 1.10 the initial context
    stack_base, stack_limit, allocation = base_create_stack(kernel, process, info.stack_reserve, info.stack_commit)
    # the entry point where the image really is (a relocated image is not at info.image_base)
    context = base_initialize_context(kernel, process, info.entry_va(process.image_base), stack_base)

    # 1.11 the thread
    trace.step("1.11", "NtCreateThread", create_suspended=True)
    thread = psp_create_thread(kernel, process, context, (stack_base, stack_limit, allocation))

    # 1.12 tell the Win32 subsystem
    trace.step("1.12", "CsrClientCallServer", api="BasepCreateProcess", pid=process.pid, tid=thread.tid)

    # 1.13 resume
    process.process_handle = (parent or kernel.host_process).handles.insert(process)
    process.thread_handle = (parent or kernel.host_process).handles.insert(thread)
    if creation_flags & CREATE_SUSPENDED:
        thread.suspend_count = 1
    else:
        kernel.scheduler.ready(thread)
    trace.step("1.13", "NtResumeThread", tid=thread.tid, suspended=bool(creation_flags & CREATE_SUSPENDED),
               process_handle=process.process_handle, thread_handle=process.thread_handle)
    return process, thread


def _find_image(kernel, application_name, command_line, current_directory, parent=None) -> str:
    """CreateProcess's search: the creator's folder, the current folder, System32, Windows."""
    if application_name:
        candidate = application_name
    else:
        candidate = paths.first_token(command_line)
    cwd = current_directory or (parent.current_directory if parent is not None else None)
    dirs = None
    if parent is not None and getattr(parent, "image_path", None):
        dirs = [paths.dirname(parent.image_path), cwd or kernel.default_current_directory,
                kernel.system_directory, kernel.windows_directory]
    found = kernel.io.search_path(candidate, cwd, extension=".exe", search_dirs=dirs)
    if found is None:
        raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{candidate}: the program file does not exist")
    return found


def psp_create_process(kernel, section, win32_path: str, parent: EProcess | None) -> EProcess:
    trace = kernel.trace
    image_name = paths.basename(win32_path)
    # 2.1 the object
    process = EProcess(kernel, image_name)
    process.image_path = win32_path
    process.section = section
    process.parent_pid = parent.pid if parent else 0
    process.current_directory = kernel.default_current_directory
    trace.step("2.1", "ObCreateObject", type="PsProcessType", object="EPROCESS")
    # 2.2 address space: a new engine
    attach_address_space(kernel, process)
    trace.step("2.2", "MmCreateProcessAddressSpace", user_space="0x00010000-0x7FFEFFFF",
               kuser_shared_data=0x7FFE0000)
    # 2.3 map the image (and ntdll)
    base, status = kernel.mm.map_view_of_section(process, section)
    process.image_base = base
    ntdll_base = map_ntdll(kernel, process)
    trace.step("2.3", "MmInitializeProcessAddressSpace", image=image_name, image_base=base,
               ntdll_base=ntdll_base, relocated=status != 0)
    # 2.4 the process id
    process.pid = kernel.cid_table.create(process)
    trace.step("2.4", "ExCreateHandle", table="PspCidTable", pid=process.pid)
    # 2.5 the PEB
    mm_create_peb(kernel, process)
    trace.step("2.5", "MmCreatePeb", peb=process.peb, image_base=base,
               os_version=kernel.profile.version_string,
               number_of_processors=kernel.profile.number_of_processors)
    # 2.6 the active process list
    insert_active_process(kernel, process)
    trace.step("2.6", "InsertTailList", list="PsActiveProcessHead", eprocess=process.eprocess)
    # 2.7 a handle for the creator (inserted by create_process once it returns)
    trace.step("2.7", "ObInsertObject", object=f"process {process.pid}")
    kernel.processes.append(process)
    return process


def mm_create_peb(kernel, process: EProcess) -> None:
    S = process.structs
    mem = process.memory
    address = PEB_ADDRESS
    if not mem.is_free(address, PAGE_SIZE):
        # the image covers the usual place: the highest free page below it, as Windows places it
        address = mem.find_free(PAGE_SIZE, top_down=True, align=PAGE_SIZE, high=KUSER_SHARED_DATA)
        if address is None:
            raise NtError("STATUS_NO_MEMORY", "no room for the PEB")
    peb = mem.reserve(address, PAGE_SIZE, tag="PEB", align=PAGE_SIZE)
    mem.commit(peb, PAGE_SIZE, PAGE_READWRITE)
    process.peb = peb
    info = process.section.image.info
    prof = kernel.profile
    heap_reserve = info.heap_reserve or 0x100000
    heap_commit = info.heap_commit or 0x1000
    # after the PEB in its page: ProcessHeaps[16], the two RTL_BITMAPs of the TLS slots, CSDVersion
    process_heaps = peb + ((S.PEB.sizeof() + 15) & ~15)
    tls_bitmap_struct = process_heaps + 16 * 4
    csd = prof.csd_version.encode("utf-16-le")
    csd_buf = tls_bitmap_struct + 16
    mem.write(csd_buf, csd + b"\0\0")
    mem.write(tls_bitmap_struct, struct.pack("<II", 64, peb + S.PEB.offsetof("TlsBitmapBits")))
    mem.write(tls_bitmap_struct + 8, struct.pack("<II", 1024, peb + S.PEB.offsetof("TlsExpansionBitmapBits")))
    fls_bitmap_struct = (csd_buf + len(csd) + 2 + 7) & ~7
    write_fields(mem.write, peb, S.PEB, {
        "Mutant": 0xFFFFFFFF,
        "ImageBaseAddress": process.image_base,
        "NumberOfProcessors": prof.number_of_processors,
        "NtGlobalFlag": 0,
        "CriticalSectionTimeout": (-2592000000000) & 0xFFFFFFFFFFFFFFFF,
        "HeapSegmentReserve": heap_reserve,
        "HeapSegmentCommit": heap_commit,
        "HeapDeCommitTotalFreeThreshold": 0x10000,
        "HeapDeCommitFreeBlockThreshold": 0x1000,
        "NumberOfHeaps": 0,
        "MaximumNumberOfHeaps": 16,
        "ProcessHeaps": process_heaps,
        "OSMajorVersion": prof.major,
        "OSMinorVersion": prof.minor,
        "OSBuildNumber": prof.build,
        "OSCSDVersion": (prof.service_pack[0] << 8) | prof.service_pack[1],
        "OSPlatformId": 2,
        "ImageSubsystem": info.subsystem,
        "ImageSubsystemMajorVersion": info.subsystem_version[0],
        "ImageSubsystemMinorVersion": info.subsystem_version[1],
        "SessionId": 1,
        "TlsBitmap": tls_bitmap_struct,
        "TlsExpansionBitmap": tls_bitmap_struct + 8,
        "CSDVersion.Length": len(csd),
        "CSDVersion.MaximumLength": len(csd) + 2,
        "CSDVersion.Buffer": csd_buf,
    })
    from kernel.dlls.ntdll import fls
    fls.initialize_process(mem, process, fls_bitmap_struct)
    process.write_mirror(Peb=peb)


def base_push_process_parameters(kernel, process: EProcess, image_path: str, command_line: str,
                                 current_directory: str, environment: dict,
                                 std_handles: tuple[int, int, int]) -> None:
    """RTL_USER_PROCESS_PARAMETERS and the environment block, in the new process (normalized)."""
    S = process.structs
    P = S.RTL_USER_PROCESS_PARAMETERS
    cwd = current_directory if current_directory.endswith("\\") else current_directory + "\\"
    strings = {
        "CurrentDirectory.DosPath": cwd,
        "DllPath": paths.dirname(image_path) + ";" + kernel.system_directory + ";" + kernel.windows_directory,
        "ImagePathName": image_path,
        "CommandLine": command_line,
        "WindowTitle": image_path,
        "DesktopInfo": "WinSta0\\Default",
        "ShellInfo": "",
        "RuntimeData": "",
    }
    env_block = "".join(f"{k}={v}\0" for k, v in environment.items()) + "\0"
    env_bytes = env_block.encode("utf-16-le")
    total = P.sizeof() + sum(2 * len(s) + 2 + 2 for s in strings.values()) + 0x100
    mem = process.memory
    block = mem.allocate(None, page_ceil(total), PAGE_READWRITE, tag="process parameters")
    env_addr = mem.allocate(None, page_ceil(len(env_bytes)), PAGE_READWRITE, tag="environment")
    mem.write(env_addr, env_bytes)
    fields = {
        "MaximumLength": total, "Length": total,
        "Flags": 0x1,                          # RTL_USER_PROC_PARAMS_NORMALIZED
        "ConsoleHandle": 0, "ConsoleFlags": 0,
        "StandardInput": std_handles[0], "StandardOutput": std_handles[1], "StandardError": std_handles[2],
        "Environment": env_addr,
        "EnvironmentSize": len(env_bytes),
        "ShowWindowFlags": 1,                  # SW_SHOWNORMAL
    }
    cursor = block + P.sizeof()
    for path, text in strings.items():
        data = text.encode("utf-16-le")
        room = len(data) + 2 if path != "CurrentDirectory.DosPath" else 2 * 261
        mem.write(cursor, data + b"\0\0")
        fields[path + ".Length"] = len(data)
        fields[path + ".MaximumLength"] = room
        fields[path + ".Buffer"] = cursor
        cursor += (room + 3) & ~3
    write_fields(mem.write, block, P, fields, if_present=("EnvironmentSize",))     # Vista and later
    write_fields(mem.write, process.peb, S.PEB, {"ProcessParameters": block})
    process.params = block
    process.command_line = command_line
    process.current_directory = cwd.rstrip("\\") if len(cwd) > 3 else cwd
    kernel.trace.step("1.8", "BasePushProcessParameters", parameters=block, environment=env_addr,
                      command_line=command_line, current_directory=cwd,
                      std_handles="%#x %#x %#x" % std_handles)


def base_create_stack(kernel, process: EProcess, reserve: int, commit: int) -> tuple[int, int, int]:
    """Reserve the stack, commit its top, a guard page below: (StackBase, StackLimit, allocation)."""
    reserve = max(page_ceil(reserve or 0x100000), 0x10000)
    reserve = (reserve + 0xFFFF) & ~0xFFFF
    commit = page_ceil(commit or PAGE_SIZE)
    if commit + PAGE_SIZE >= reserve:
        commit = reserve - 2 * PAGE_SIZE
    mem = process.memory
    try:
        allocation = mem.reserve(None, reserve, tag=f"stack of thread {len(process.threads) + 1}")
    except NtError as e:           # a reserve no free range holds: NtAllocateVirtualMemory's failure
        raise NtError("STATUS_NO_MEMORY", f"no room for a stack of {reserve:#x} bytes: {e}") from None
    top = allocation + reserve
    try:
        mem.commit(top - commit, commit, PAGE_READWRITE)
        mem.commit(top - commit - PAGE_SIZE, PAGE_SIZE, PAGE_READWRITE | PAGE_GUARD)
    except NtError as e:
        mem.release(allocation)
        raise NtError(e.status, f"the stack's {commit:#x} committed bytes: {e}") from None
    kernel.trace.step("1.9", "BaseCreateStack", reserve=reserve, commit=commit,
                      stack_base=top, stack_limit=top - commit, guard_page=top - commit - PAGE_SIZE)
    return top, top - commit, allocation


def base_initialize_context(kernel, process: EProcess, start_address: int, stack_base: int,
                            *, initial_thread: bool = True, parameter: int | None = None) -> bytearray:
    """The initial CONTEXT: EIP = the start thunk, EAX = where it goes, EBX = its parameter."""
    thunk_dll, thunk_name = kernel.profile.start_thunk if initial_thread else kernel.profile.thread_start_thunk
    thunk = kernel.system_dll_address(process, thunk_dll, thunk_name)
    ctx = bytearray(CONTEXT_SIZE)
    regs = {
        0x00: CONTEXT_FULL,
        0x8C: 0, 0x90: SEL_TEB, 0x94: SEL_USER_DATA, 0x98: SEL_USER_DATA,      # gs fs es ds
        0xA4: process.peb if parameter is None else parameter,                   # ebx
        0xB0: start_address,                                                    # eax
        0xB8: thunk,                                                            # eip
        0xBC: SEL_USER_CODE, 0xC0: 0x202, 0xC4: stack_base - 4, 0xC8: SEL_USER_DATA,
    }
    for off, value in regs.items():
        struct.pack_into("<I", ctx, off, value)
    if initial_thread:
        kernel.trace.step("1.10", "BaseInitializeContext", eip=f"{thunk:#010x} ({thunk_dll}!{thunk_name})",
                          eax=start_address, ebx=process.peb, esp=stack_base - 4,
                          cs=SEL_USER_CODE, ss=SEL_USER_DATA, ds=SEL_USER_DATA, fs=SEL_TEB)
    return ctx


def psp_create_thread(kernel, process: EProcess, context: bytes, stack: tuple[int, int, int]) -> EThread:
    trace = kernel.trace
    thread = EThread(process)
    # 3.1
    create_ethread_mirror(kernel, thread)
    trace.step("3.1", "ObCreateObject", type="PsThreadType", object="ETHREAD", ethread=thread.ethread,
               process=process.pid)
    # 3.2
    thread.tid = kernel.cid_table.create(thread)
    trace.step("3.2", "ExCreateHandle", table="PspCidTable", tid=thread.tid, cid=f"({process.pid}, {thread.tid})")
    # 3.3
    thread.stack_base, thread.stack_limit, thread.stack_allocation = stack
    mm_create_teb(kernel, thread)
    trace.step("3.3", "MmCreateTeb", teb=thread.teb, stack_base=thread.stack_base,
               stack_limit=thread.stack_limit, client_id=f"({process.pid}, {thread.tid})")
    # 3.4
    thread.initial_context = bytes(context)
    thread.start_address = struct.unpack_from("<I", context, 0xB8)[0]
    thread.win32_start_address = struct.unpack_from("<I", context, 0xB0)[0]
    initialize_thread_context(kernel, thread)
    trace.step("3.4", "KeInitThread", start_address=thread.start_address,
               kernel_entry=f"{kernel.space.ki_thread_startup:#010x} (KiThreadStartup)",
               initial_stack=thread.kernel_stack)
    # 3.5
    process.threads.append(thread)
    insert_thread_list(kernel, thread)
    trace.step("3.5", "InsertTailList", list="Process->ThreadListHead", active_threads=len(process.threads))
    # 3.6
    if len(process.threads) == 1:
        for routine in kernel.process_notify_routines:
            routine(process, True)
        trace.step("3.6", "PspCallProcessNotifyRoutines", process=process.pid,
                   routines=len(kernel.process_notify_routines))
    # 3.7
    trace.step("3.7", "ObInsertObject", object=f"thread {thread.tid}", state="suspended until resumed")
    return thread


def mm_create_teb(kernel, thread: EThread) -> None:
    process = thread.process
    S = process.structs
    mem = process.memory
    teb = FIRST_TEB - PAGE_SIZE * (len(process.threads))
    while teb >= PAGE_SIZE and not mem.is_free(teb, PAGE_SIZE):
        teb -= PAGE_SIZE
    if teb < 0x10000:
        found = mem.find_free(PAGE_SIZE, top_down=True, align=PAGE_SIZE, high=KUSER_SHARED_DATA)
        if found is None:
            raise NtError("STATUS_NO_MEMORY", "no room for a TEB")
        teb = found
    mem.reserve(teb, PAGE_SIZE, tag=f"TEB of thread {thread_label(thread)}", align=PAGE_SIZE)
    mem.commit(teb, PAGE_SIZE, PAGE_READWRITE)
    thread.teb = teb
    write_fields(mem.write, teb, S.TEB, {
        "NtTib.ExceptionList": 0xFFFFFFFF,
        "NtTib.StackBase": thread.stack_base,
        "NtTib.StackLimit": thread.stack_limit,
        "NtTib.Self": teb,
        "ClientId.UniqueProcess": process.pid,
        "ClientId.UniqueThread": thread.tid,
        "RealClientId.UniqueProcess": process.pid,
        "RealClientId.UniqueThread": thread.tid,
        "ProcessEnvironmentBlock": process.peb,
        "CurrentLocale": 0x409,
        "StaticUnicodeString.Length": 0,
        "StaticUnicodeString.MaximumLength": 0x20A,
        "StaticUnicodeString.Buffer": teb + S.TEB.offsetof("StaticUnicodeBuffer"),
        "DeallocationStack": thread.stack_allocation,
    })
    thread.write_mirror(**{"Tcb.Teb": teb})


def create_thread(kernel, process: EProcess, start_address: int, parameter: int, *, stack_reserve: int = 0,
                  stack_commit: int = 0, suspended: bool = False) -> EThread:
    """CreateThread: a stack, the initial CONTEXT with the thread start thunk, then PspCreateThread
    (3.1-3.7); the thread then boots through 4.1-4.6 like the first one, and the loader sends
    DLL_THREAD_ATTACH instead of initializing the process."""
    info = process.section.image.info
    stack = base_create_stack(kernel, process, stack_reserve or info.stack_reserve,
                              stack_commit or info.stack_commit)
    context = base_initialize_context(kernel, process, start_address, stack[0], initial_thread=False,
                                      parameter=parameter)
    thread = psp_create_thread(kernel, process, context, stack)
    thread.suspend_count = 1 if suspended else 0
    if not suspended:
        kernel.scheduler.ready(thread)
    return thread


def thread_label(thread: EThread) -> str:
    return str(thread.tid) if thread.tid else "(new)"


__all__ = ["create_process", "psp_create_process", "psp_create_thread", "mm_create_peb",
           "mm_create_teb", "base_push_process_parameters", "base_create_stack",
           "base_initialize_context", "CidTable"]


# -- the kernel's side of a new process and thread (address space, mirrors, lists) ---------------

def attach_address_space(kernel, process: EProcess) -> None:
    """MmCreateProcessAddressSpace: kernel space, KUSER_SHARED_DATA, traps, the EPROCESS mirror."""
    m = process.machine
    for routine in kernel.address_space_routines:      # e.g. the memory limit, from the first commit on
        routine(process)
    kernel.space.attach(m)
    from kernel.hle.context import ApiContext
    from kernel.ke.dispatch import Dispatcher, _Entry
    from kernel.nt import service_table
    process.api_context = ApiContext(kernel, process)
    process.dispatcher = Dispatcher(kernel, process)
    process.sysenter_hook = m.hook_sysenter(process.dispatcher.dispatch_system_service)
    process.dispatcher.add_trap(kernel.space.ki_thread_startup, kernel.scheduler.ki_thread_startup)
    services = {}
    for name, api in service_table().items():
        number = kernel.profile.syscall_numbers.get(name)
        if number is not None:
            services[number] = _Entry(api, "ntdll!" + name, 0, service=True)
    process.dispatcher.services = services
    # EPROCESS mirror
    S = process.structs
    process.eprocess = kernel.space.kalloc(S.EPROCESS.sizeof(), f"EPROCESS of {process.image_name}")
    name = process.image_name.encode("latin-1", "replace")[:15]
    process.write_mirror(ImageFileName=name, CreateTime=process.create_time,
                         InheritedFromUniqueProcessId=process.parent_pid)
    kernel.space.build_kuser_shared_data(process)


def map_ntdll(kernel, process: EProcess) -> int:
    """ntdll is mapped into every process by the kernel, before any user code runs."""
    file = kernel.io.open_image_file(paths.to_nt_path(kernel.system_directory + "\\ntdll.dll"))
    section = kernel.mm.create_image_section(file)
    base, _ = kernel.mm.map_view_of_section(process, section)
    synth = section.synthesized
    process.ntdll_base = base
    process.dispatcher.sysret_eip = base + synth.labels["KiFastSystemCallRet"]
    process.dispatcher.return_trap = base + synth.labels[".return_trap"]
    process.dispatcher.add_trap(process.dispatcher.return_trap, process.dispatcher.on_return_trap)
    kernel.space.complete_kuser_shared_data(process, base, synth)
    return base


def insert_active_process(kernel, process: EProcess) -> None:
    S = process.structs
    links = process.eprocess + S.EPROCESS.offsetof("ActiveProcessLinks")
    head = kernel.space.ps_active_process_head
    last = struct.unpack("<I", kernel.space.kread(head + 4, 4))[0]
    kernel.space.kwrite(links, struct.pack("<II", head, last))
    kernel.space.kwrite(last, struct.pack("<I", links))          # last.Flink
    kernel.space.kwrite(head + 4, struct.pack("<I", links))      # head.Blink
    process.write_mirror(UniqueProcessId=process.pid)
    kernel.tracing_process = process


def create_ethread_mirror(kernel, thread: EThread) -> None:
    process = thread.process
    S = process.structs
    thread.ethread = kernel.space.kalloc(S.ETHREAD.sizeof(), f"ETHREAD of {process.image_name}")
    thread.write_mirror(CreateTime=thread.create_time)


def initialize_thread_context(kernel, thread: EThread) -> None:
    """KiInitializeContextThread: the thread will begin in KiThreadStartup on its kernel stack."""
    stack = kernel.space.kalloc(KERNEL_STACK_SIZE, f"kernel stack of thread {thread.tid}")
    thread.kernel_stack = stack + KERNEL_STACK_SIZE
    thread.write_mirror(**{"Cid.UniqueProcess": thread.process.pid, "Cid.UniqueThread": thread.tid,
                           "StartAddress": thread.start_address,
                           "Win32StartAddress": thread.win32_start_address,
                           "Tcb.InitialStack": thread.kernel_stack, "Tcb.StackLimit": stack,
                           "Tcb.KernelStack": thread.kernel_stack - 0x10})
    from kernel.ke.dispatch import Request
    thread.request = Request("start")


def insert_thread_list(kernel, thread: EThread) -> None:
    process = thread.process
    S = process.structs
    head = process.eprocess + S.EPROCESS.offsetof("ThreadListHead")
    entry = thread.ethread + S.ETHREAD.offsetof("ThreadListEntry")
    flink, blink = struct.unpack("<II", kernel.space.kread(head, 8))
    if flink == 0:
        flink = blink = head
        kernel.space.kwrite(head, struct.pack("<II", head, head))
    kernel.space.kwrite(entry, struct.pack("<II", head, blink))
    kernel.space.kwrite(blink, struct.pack("<I", entry))
    kernel.space.kwrite(head + 4, struct.pack("<I", entry))
    process.write_mirror(ActiveThreads=len(process.threads))
