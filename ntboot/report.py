"""The run report: one versioned JSON document describing a finished (or stopped) run.

    report = build_report(kernel, result, program=..., args=[...], monitor=..., capture=...)

`report_schema.json` beside this module is its JSON Schema (`SCHEMA_VERSION` is its version: a
reader checks `schema_version` first; fields are only ever added within a major version).  What it
holds: the program (path, sha256), arguments, OS profile, result, timings and instruction count,
the processes (pid, parent, image, exit code, reason) with their threads and modules, guest
stdout/stderr, files the guest wrote (content captured up to a cap), registry changes, emulated call
counts, and for an abnormal stop: where (module+offset), the disassembly there, registers, a stack
walk (EBP chain) and the last calls.

Collecting what only a report needs costs nothing unless a report is asked for: call counts and
the ring of last calls come from `ntboot.trace.CallMonitor`, installed only then; file contents from
`FileCapture`, installed only then.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import struct
from importlib import resources

from kernel.ke.clock import EPOCH_FILETIME

SCHEMA_VERSION = "1.0"

# files written by the guest: content captured per file up to FILE_CAPTURE_CAP bytes (offsets past it
# are counted, not kept), and FILE_CAPTURE_TOTAL bytes over all files of a run
FILE_CAPTURE_CAP = 1 << 20
FILE_CAPTURE_TOTAL = 16 << 20
# stdout/stderr kept in the report (the run keeps all of it; the report keeps the first bytes)
OUTPUT_CAP = 4 << 20
LAST_CALLS = 32                  # calls kept in the ring while reporting
STACK_FRAMES = 64                # bound of the EBP walk
DISASSEMBLY_COUNT = 6            # instructions shown from the stop address


def schema() -> dict:
    """The report's JSON Schema."""
    return json.loads(resources.files("ntboot").joinpath("report_schema.json").read_text())


# -- capture of file writes ---------------------------------------------------------------------------
class FileCapture:
    """kernel.file_write_capture: the bytes the guest wrote to each file, per process, bounded."""

    def __init__(self, per_file: int = FILE_CAPTURE_CAP, total: int = FILE_CAPTURE_TOTAL):
        self.per_file = per_file
        self.total = total
        self.kept = 0
        self.files: dict[tuple[int, str], dict] = {}      # (pid, lower-case path) -> record

    def install(self, kernel) -> None:
        kernel.file_write_capture = self

    def __call__(self, process, path: str, offset: int, data: bytes) -> None:
        key = (process.pid, path.lower())
        rec = self.files.get(key)
        if rec is None:
            rec = self.files[key] = {"pid": process.pid, "path": path, "content": bytearray(),
                                     "bytes_written": 0, "writes": 0, "size": 0, "truncated": False}
        rec["writes"] += 1
        rec["bytes_written"] += len(data)
        rec["size"] = max(rec["size"], offset + len(data))
        content = rec["content"]
        room = min(self.per_file, len(content) + self.total - self.kept)
        if offset >= room:
            rec["truncated"] = True
            return
        chunk = data[:room - offset]
        if len(chunk) < len(data):
            rec["truncated"] = True
        grow = max(0, offset + len(chunk) - len(content))
        if offset > len(content):
            content.extend(bytes(offset - len(content)))
        content[offset:offset + len(chunk)] = chunk
        self.kept += grow

    def records(self) -> list[dict]:
        out = []
        for rec in self.files.values():
            out.append({"pid": rec["pid"], "path": rec["path"], "size": rec["size"],
                        "bytes_written": rec["bytes_written"], "writes": rec["writes"],
                        "content": blob(bytes(rec["content"]), truncated=rec["truncated"],
                                        size=rec["size"])})
        return out


# -- helpers -------------------------------------------------------------------------------------------
def blob(data: bytes, *, truncated: bool = False, size: int | None = None, cap: int | None = None) -> dict:
    """Bytes for JSON: UTF-8 text when they are valid UTF-8, else base64."""
    size = len(data) if size is None else size
    if cap is not None and len(data) > cap:
        data = data[:cap]
        truncated = True
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(data).decode("ascii"), "base64"
    return {"size": size, "encoding": encoding, "data": text, "truncated": truncated}


def sha256_of(path: str) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def _status_name(value):
    from kernel.rtl.status import NAMES
    if value is None:
        return None
    return NAMES.get(value & 0xFFFFFFFF)


def _read(process, address: int, size: int) -> bytes | None:
    try:
        return process.machine.read(address, size)
    except Exception:
        return None


def _u32(process, address: int) -> int | None:
    data = _read(process, address, 4)
    return struct.unpack("<I", data)[0] if data and len(data) == 4 else None


def module_list(kernel, process) -> list[dict]:
    """Loaded modules in load order (the loader's list; mapped images when it has none yet)."""
    out = []
    ldr = process.ldr
    seen = set()
    for m in (ldr.modules if ldr is not None else []):
        info = m.image.info
        seen.add(m.base)
        out.append({"name": m.base_name, "path": m.full_name, "base": m.base, "size": m.size,
                    "entry_point": m.entry_point, "timestamp": info.timestamp, "checksum": info.checksum,
                    "system": _is_synthesized(process, m.base)})
    for base, section in sorted(process.mapped_images.items()):
        if base in seen:
            continue
        info = section.image.info
        out.append({"name": section.path.rsplit("\\", 1)[-1], "path": section.path, "base": base,
                    "size": info.size_of_image, "entry_point": info.entry_va(base) if info.entry_point_rva else 0,
                    "timestamp": info.timestamp, "checksum": info.checksum,
                    "system": section.synthesized is not None})
    return out


def _is_synthesized(process, base: int) -> bool:
    section = process.mapped_images.get(base)
    return section is not None and section.synthesized is not None


def thread_list(kernel, process) -> list[dict]:
    out = []
    for t in process.threads:
        start = t.win32_start_address or t.start_address
        out.append({"tid": t.tid, "start_address": start,
                    "start_location": _where(kernel, process, start) if start else None,
                    "teb": t.teb, "state": t.state,
                    "exit_status": None if t.exit_status == 0x103 else t.exit_status,
                    "exit_status_name": None if t.exit_status == 0x103 else _status_name(t.exit_status)})
    return out


def _where(kernel, process, address: int) -> str:
    try:
        return process.describe_address(address)
    except Exception:
        return f"{address:#010x}"


def disassembly(kernel, process, address: int, count: int = DISASSEMBLY_COUNT) -> list[dict]:
    from capstone import CS_ARCH_X86, CS_MODE_32, Cs
    code = None
    for size in (16 * count, 16, 1):
        code = _read(process, address, size)
        if code:
            break
    if not code:
        return []
    out = []
    for insn in Cs(CS_ARCH_X86, CS_MODE_32).disasm(code, address):
        out.append({"address": insn.address, "location": _where(kernel, process, insn.address),
                    "bytes": bytes(insn.bytes).hex(), "text": f"{insn.mnemonic} {insn.op_str}".strip()})
        if len(out) >= count:
            break
    return out


def stack_walk(kernel, process, thread, registers: dict, limit: int = STACK_FRAMES) -> list[dict]:
    """Frames from EIP up the EBP chain, bounded and kept inside the thread's stack.

    A stop inside an emulated export's stub (a frameless trap) adds the stub's return address."""
    eip, esp, ebp = registers.get("eip", 0), registers.get("esp", 0), registers.get("ebp", 0)
    frames = [{"frame": 0, "address": eip, "location": _where(kernel, process, eip), "frame_pointer": ebp}]
    low = thread.stack_allocation or thread.stack_limit
    high = thread.stack_base

    def on_stack(a):
        return low <= a < high if high else 0x10000 <= a < 0x7FFF0000
    in_system_dll = any(base <= eip < base + s.image.info.size_of_image and s.synthesized is not None
                        for base, s in process.mapped_images.items())
    if in_system_dll and on_stack(esp):
        ret = _u32(process, esp)
        if ret:
            frames.append({"frame": 1, "address": ret, "location": _where(kernel, process, ret),
                           "frame_pointer": ebp})
    seen = set()
    while len(frames) < limit and on_stack(ebp) and not ebp & 3 and ebp not in seen:
        seen.add(ebp)
        nxt, ret = _u32(process, ebp), _u32(process, ebp + 4)
        if ret is None or nxt is None or ret == 0:
            break
        frames.append({"frame": len(frames), "address": ret, "location": _where(kernel, process, ret),
                       "frame_pointer": nxt})
        if nxt <= ebp:
            break
        ebp = nxt
    return frames


def _registers_now(process) -> dict | None:
    try:
        return process.machine.registers()
    except Exception:
        return None


def stop_details(kernel, result, monitor) -> dict:
    """Where and how an abnormal stop happened."""
    fault = result.fault
    thread = kernel.scheduler.current_thread
    process = thread.process if thread is not None else (kernel.processes[0] if kernel.processes else None)
    registers = dict(getattr(fault, "registers", None) or {}) if fault is not None else {}
    if not registers and process is not None and process.machine is not None:
        registers = _registers_now(process) or {}
    out = {"reason": result.reason, "message": result.message,
           "pid": process.pid if process is not None else None,
           "tid": thread.tid if thread is not None else None}
    if process is not None and registers and process.machine is not None:
        eip = getattr(fault, "eip", None) if fault is not None else None
        eip = registers.get("eip", 0) if eip is None else eip
        out["address"] = eip
        out["location"] = _where(kernel, process, eip)
        dis = disassembly(kernel, process, eip)
        out["instruction"] = dis[0]["text"] if dis else getattr(fault, "instruction", "<unreadable>")
        out["disassembly"] = dis
        out["registers"] = {k: v for k, v in registers.items() if isinstance(v, int)}
        out["stack"] = stack_walk(kernel, process, thread, registers)
        out["stack_words"] = [w for w in (_u32(process, registers.get("esp", 0) + 4 * i) for i in range(16))
                              if w is not None]
    if fault is not None:
        code = getattr(fault, "code", None)
        out["exception"] = {"code": code, "name": _status_name(code) if code is not None else None,
                            "description": getattr(fault, "description", "")}
    if thread is not None:
        out["last_system_calls"] = [kernel.service_names.get(n, hex(n)) for n in thread.last_services[-16:]]
    if monitor is not None and monitor.ring is not None:
        out["last_calls"] = monitor.last_calls()
    return out


def _counts(monitor, services: bool) -> dict:
    if monitor is None or not monitor.count:
        return {"counted": False, "total": None, "by_name": {}}
    counts = monitor.service_counts if services else monitor.api_counts
    return {"counted": True, "total": sum(counts.values()),
            "by_name": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))}


def _registry_changes(kernel):
    registry = kernel.registry
    changes = getattr(registry, "changes", None) if registry is not None else None
    if changes is None:
        return {"available": False, "changes": []}
    out = []
    for c in list(changes):
        out.append(_jsonable(c))
    return {"available": True, "changes": out}


def _jsonable(value):
    import dataclasses
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return blob(bytes(value))
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def build_report(kernel, result, *, program: str, args=(), monitor=None, capture=None,
                 wall_seconds: float | None = None, started_at: float | None = None,
                 limits: dict | None = None) -> dict:
    """The report of a run (see the module doc).  Call it before the emulator is closed."""
    profile = kernel.profile
    first = kernel.processes[0] if kernel.processes else None
    processes = []
    for p in kernel.processes:
        processes.append({
            "pid": p.pid, "parent": p.parent_pid, "image": p.image_path, "command_line": p.command_line,
            "exit_code": None if p.alive else p.exit_status,
            "exit_code_name": None if p.alive else _status_name(p.exit_status),
            "reason": p.exit_reason or ("running" if p.alive else "exited"),
            "message": p.exit_message or "",
            "children": [c.pid for c in kernel.processes if c.parent_pid == p.pid and c is not p],
            "threads": thread_list(kernel, p),
            "modules": module_list(kernel, p) if p.machine is not None else [],
            "stdout_size": len(p.stdout), "stderr_size": len(p.stderr),
            "committed_memory": getattr(p.memory, "committed", None) if p.machine is not None else None,
        })
    virtual = (kernel.clock.now - EPOCH_FILETIME) / 1e7
    report = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ntboot", "version": _version()},
        "program": {"path": os.path.abspath(program), "guest_path": first.image_path if first else None,
                    "sha256": sha256_of(program), "size": _size(program)},
        "arguments": list(args),
        "command_line": first.command_line if first else None,
        "profile": {"name": profile.name, "description": profile.description,
                    "version": profile.version_string, "csd_version": profile.csd_version},
        "result": {"ok": result.reason == "exited", "reason": result.reason, "message": result.message,
                   "exit_code": result.exit_code, "exit_code_name": _status_name(result.exit_code),
                   "status": result.status, "status_name": _status_name(result.status)},
        "timing": {"wall_seconds": wall_seconds,
                   "started_at": (datetime.datetime.fromtimestamp(started_at, datetime.timezone.utc)
                                  .isoformat(timespec="seconds") if started_at else None),
                   "virtual_seconds": round(virtual, 7)},
        "instructions": {"counted": bool(kernel.scheduler.instructions), "count": kernel.scheduler.instructions or None},
        "limits": dict(limits or {}),
        "processes": processes,
        "stdout": blob(bytes(first.stdout) if first else b"", cap=OUTPUT_CAP),
        "stderr": blob(bytes(first.stderr) if first else b"", cap=OUTPUT_CAP),
        "files_written": capture.records() if capture is not None else [],
        "files_captured": capture is not None,
        "registry": _registry_changes(kernel),
        "api_calls": _counts(monitor, services=False),
        "system_calls": _counts(monitor, services=True),
        "stop": None if result.reason == "exited" else stop_details(kernel, result, monitor),
        "details": (result.details or "") if result.reason == "internal error" else "",
    }
    return report


def _size(path: str) -> int | None:
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("ntboot")
    except Exception:
        return "0.1.0"


def write_report(report: dict, path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")
