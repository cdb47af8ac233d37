"""The configuration manager: the registry of the emulated machine.

One registry per run, in memory (nothing is read from or written to the host): `\\REGISTRY\\MACHINE`
and `\\REGISTRY\\USER` with what Windows 7 programs commonly read (the version under
`SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion`, the folders under `Windows\\CurrentVersion`, the
system environment, the computer name, the code pages, the processor, the user's `Environment` ...),
consistent with the profile and the default environment, plus whatever the run was given
(`Options.registry`, the Image File Execution Options table).

Keys keep what the hives keep: names with their case, subkeys in upcase order, values in the order
they were created, a class, LastWriteTime (virtual time), volatility.  `CurrentControlSet` is the same
key as `ControlSet001`, as the symbolic link makes it.  There are no security descriptors: every key
is writable, as for an elevated administrator.
"""
from __future__ import annotations

import struct

from kernel.ob.object import KernelObject
from kernel.rtl.status import NtError

REG_NONE, REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD, REG_DWORD_BIG_ENDIAN, REG_LINK, REG_MULTI_SZ = range(8)
REG_RESOURCE_LIST, REG_FULL_RESOURCE_DESCRIPTOR, REG_RESOURCE_REQUIREMENTS_LIST, REG_QWORD = 8, 9, 10, 11
TYPE_NAMES = {"REG_NONE": REG_NONE, "REG_SZ": REG_SZ, "REG_EXPAND_SZ": REG_EXPAND_SZ, "REG_BINARY": REG_BINARY,
              "REG_DWORD": REG_DWORD, "REG_DWORD_BIG_ENDIAN": REG_DWORD_BIG_ENDIAN, "REG_LINK": REG_LINK,
              "REG_MULTI_SZ": REG_MULTI_SZ, "REG_QWORD": REG_QWORD}
STRING_TYPES = (REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ)

KEY_QUERY_VALUE, KEY_SET_VALUE, KEY_CREATE_SUB_KEY, KEY_ENUMERATE_SUB_KEYS = 0x1, 0x2, 0x4, 0x8
KEY_NOTIFY, KEY_CREATE_LINK, KEY_WOW64_64KEY, KEY_WOW64_32KEY = 0x10, 0x20, 0x100, 0x200
KEY_READ, KEY_WRITE, KEY_ALL_ACCESS = 0x20019, 0x20006, 0xF003F
DELETE = 0x10000
MAXIMUM_ALLOWED = 0x02000000
GENERIC_READ, GENERIC_WRITE, GENERIC_EXECUTE, GENERIC_ALL = 0x80000000, 0x40000000, 0x20000000, 0x10000000

REG_OPTION_VOLATILE, REG_OPTION_CREATE_LINK, REG_OPTION_OPEN_LINK = 0x1, 0x2, 0x8
REG_CREATED_NEW_KEY, REG_OPENED_EXISTING_KEY = 1, 2
MAX_KEY_NAME = 255
MAX_VALUE_NAME = 16383

USER_SID = "S-1-5-21-1180699209-877415012-3182924384-1000"
HKEY_PATHS = {   # the predefined handles of advapi32 and the keys they stand for
    0x80000000: "\\REGISTRY\\MACHINE\\SOFTWARE\\Classes",                 # HKEY_CLASSES_ROOT
    0x80000001: "\\REGISTRY\\USER\\" + USER_SID,                         # HKEY_CURRENT_USER
    0x80000002: "\\REGISTRY\\MACHINE",                                   # HKEY_LOCAL_MACHINE
    0x80000003: "\\REGISTRY\\USER",                                      # HKEY_USERS
    0x80000005: "\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current",  # HKEY_CURRENT_CONFIG
}
ROOT_NAMES = {"HKEY_CLASSES_ROOT": 0x80000000, "HKCR": 0x80000000, "HKEY_CURRENT_USER": 0x80000001,
              "HKCU": 0x80000001, "HKEY_LOCAL_MACHINE": 0x80000002, "HKLM": 0x80000002, "HKEY_USERS": 0x80000003,
              "HKU": 0x80000003, "HKEY_CURRENT_CONFIG": 0x80000005, "HKCC": 0x80000005}
IFEO = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options"


def map_key_access(access: int) -> int:
    """The generic mapping of the key type; MAXIMUM_ALLOWED is everything (no security descriptors)."""
    mapped = access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED
                        | KEY_WOW64_32KEY | KEY_WOW64_64KEY)
    if access & (GENERIC_READ | GENERIC_EXECUTE):
        mapped |= KEY_READ
    if access & GENERIC_WRITE:
        mapped |= KEY_WRITE
    if access & (GENERIC_ALL | MAXIMUM_ALLOWED):
        mapped |= KEY_ALL_ACCESS
    return mapped


class Value:
    __slots__ = ("name", "type", "data")

    def __init__(self, name: str, type_: int, data: bytes):
        self.name = name
        self.type = type_
        self.data = data


class KeyNode:
    """One key of a hive."""

    def __init__(self, name: str, parent: "KeyNode | None", last_write: int, volatile: bool = False,
                 class_name: str = ""):
        self.name = name
        self.parent = parent
        self.subkeys: dict[str, tuple[str, KeyNode]] = {}   # upper-case name -> (name, key)
        self.values: dict[str, Value] = {}                  # upper-case name -> value, in creation order
        self.last_write = last_write
        self.volatile = volatile
        self.class_name = class_name
        self.deleted = False
        self.fixed = False                                 # a hive or registry root: never deleted

    @property
    def path(self) -> str:
        parts = []
        node = self
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return "\\" + "\\".join(reversed(parts))

    def sorted_subkeys(self) -> list[tuple[str, "KeyNode"]]:
        return [self.subkeys[k] for k in sorted(self.subkeys)]

    def child(self, name: str) -> "KeyNode | None":
        entry = self.subkeys.get(name.upper())
        return entry[1] if entry else None


class KeyObject(KernelObject):
    type_name = "Key"

    def __init__(self, node: KeyNode, access: int):
        super().__init__(node.path)
        self.node = node
        self.access = access


def split_key_path(path: str) -> list[str]:
    """Components of a key path: trailing backslashes are allowed, empty components are not."""
    stripped = path.rstrip("\\")
    if not stripped:
        return []
    parts = stripped.split("\\")
    if any(not p for p in parts):
        raise NtError("STATUS_OBJECT_NAME_INVALID", f"{path}: empty key name")
    for p in parts:
        if len(p) > MAX_KEY_NAME:
            raise NtError("STATUS_INVALID_PARAMETER", f"{p[:20]}...: key names are at most 255 characters")
    return parts


class Registry:
    def __init__(self, now):
        self.now = now                   # callable: FILETIME of the virtual clock
        self.root = KeyNode("REGISTRY", None, now())
        self.root.fixed = True
        for hive in ("MACHINE", "USER"):
            self._add(self.root, hive).fixed = True

    def _add(self, parent: KeyNode, name: str, volatile: bool = False, class_name: str = "") -> KeyNode:
        node = KeyNode(name, parent, self.now(), volatile, class_name)
        parent.subkeys[name.upper()] = (name, node)
        parent.last_write = self.now()
        return node

    # -- names ---------------------------------------------------------------------------------------
    def walk(self, base: KeyNode, parts: list[str]) -> KeyNode | None:
        node = base
        for part in parts:
            if node.deleted:
                return None
            node = node.child(part)
            if node is None:
                return None
        return node

    def resolve_base(self, path: str, base: KeyNode | None) -> tuple[KeyNode, list[str]]:
        """(the key to start from, the components left) for an object name and a root key."""
        if base is not None:
            if path.startswith("\\"):
                raise NtError("STATUS_OBJECT_PATH_SYNTAX_BAD", f"{path}: an absolute name with a root key")
            if base.deleted:
                raise NtError("STATUS_KEY_DELETED", f"{base.path} was deleted")
            return base, split_key_path(path)
        if not path.startswith("\\"):
            raise NtError("STATUS_OBJECT_PATH_SYNTAX_BAD", f"{path}: not an absolute name")
        parts = split_key_path(path[1:])
        if not parts or parts[0].upper() != "REGISTRY":
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{path}: not a registry name")
        return self.root, parts[1:]

    def open(self, path: str, base: KeyNode | None = None) -> KeyNode:
        start, parts = self.resolve_base(path, base)
        node = self.walk(start, parts)
        if node is None:
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{path}: no such key")
        return node

    def create(self, path: str, base: KeyNode | None = None, volatile: bool = False,
               class_name: str = "") -> tuple[KeyNode, bool]:
        """NtCreateKey: open the key or create it; only the last component may be new."""
        start, parts = self.resolve_base(path, base)
        if not parts:
            return start, False
        parent = self.walk(start, parts[:-1])
        if parent is None or parent.deleted:
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{path}: the parent key does not exist")
        existing = parent.child(parts[-1])
        if existing is not None:
            return existing, False
        if parent is self.root:
            raise NtError("STATUS_ACCESS_DENIED", "hives cannot be created")
        if parent.volatile and not volatile:
            raise NtError("STATUS_CHILD_MUST_BE_VOLATILE", f"{parent.path} is volatile")
        return self._add(parent, parts[-1], volatile, class_name), True

    def create_path(self, path: str, base: KeyNode | None = None, volatile: bool = False) -> KeyNode:
        """Create every missing key of a path (what RegCreateKeyEx does component by component)."""
        start, parts = self.resolve_base(path, base)
        node = start
        for part in parts:
            node, _ = self.create(part, node, volatile)
        return node

    # -- changes -------------------------------------------------------------------------------------
    def delete_key(self, node: KeyNode) -> None:
        if node.deleted:
            raise NtError("STATUS_KEY_DELETED", f"{node.path} was deleted")
        if node.fixed:
            raise NtError("STATUS_ACCESS_DENIED", f"{node.path} cannot be deleted")
        if any(not child.deleted for _, child in node.subkeys.values()):
            raise NtError("STATUS_CANNOT_DELETE", f"{node.path} has subkeys")
        parent = node.parent
        for key, (_, child) in list(parent.subkeys.items()):
            if child is node:
                del parent.subkeys[key]
        parent.last_write = self.now()
        node.deleted = True

    def delete_tree(self, node: KeyNode) -> None:
        for _, child in node.sorted_subkeys():
            if child.parent is node:                        # not a link's target seen from elsewhere
                self.delete_tree(child)
                self.delete_key(child)
            else:
                node.subkeys = {k: v for k, v in node.subkeys.items() if v[1] is not child}

    def set_value(self, node: KeyNode, name: str, type_: int, data: bytes) -> None:
        if node.deleted:
            raise NtError("STATUS_KEY_DELETED", f"{node.path} was deleted")
        if len(name) > MAX_VALUE_NAME:
            raise NtError("STATUS_INVALID_PARAMETER", "value names are at most 16383 characters")
        existing = node.values.get(name.upper())
        if existing is not None:
            existing.type, existing.data = type_, bytes(data)
        else:
            node.values[name.upper()] = Value(name, type_, bytes(data))
        node.last_write = self.now()

    def delete_value(self, node: KeyNode, name: str) -> None:
        if node.deleted:
            raise NtError("STATUS_KEY_DELETED", f"{node.path} was deleted")
        if node.values.pop(name.upper(), None) is None:
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{node.path}: no value {name!r}")
        node.last_write = self.now()

    def value(self, node: KeyNode, name: str) -> Value:
        if node.deleted:
            raise NtError("STATUS_KEY_DELETED", f"{node.path} was deleted")
        found = node.values.get(name.upper())
        if found is None:
            raise NtError("STATUS_OBJECT_NAME_NOT_FOUND", f"{node.path}: no value {name!r}")
        return found

    # -- the Win32 names, for the host side (defaults, Options.registry, IFEO) --------------------------
    def nt_path(self, win32: str) -> str:
        """`HKLM\\Software\\x` (or `HKEY_LOCAL_MACHINE\\...`) -> `\\REGISTRY\\MACHINE\\Software\\x`."""
        root, _, rest = win32.partition("\\")
        handle = ROOT_NAMES.get(root.upper())
        if handle is None:
            if win32.upper().startswith("\\REGISTRY"):
                return win32
            raise ValueError(f"{win32}: the key must start with HKLM, HKCU, HKCR, HKU or HKCC")
        return HKEY_PATHS[handle] + ("\\" + rest if rest else "")

    def set(self, key: str, values: dict | None = None) -> KeyNode:
        """Create a key (Win32 name) and set values: str -> REG_SZ, int -> REG_DWORD (REG_QWORD when
        it does not fit), bytes -> REG_BINARY, list of str -> REG_MULTI_SZ, (type, value) -> that type."""
        node = self.create_path(self.nt_path(key))
        for name, value in (values or {}).items():
            type_, data = encode_value(value)
            self.set_value(node, name, type_, data)
        return node

    def get(self, key: str, name: str):
        """A value (decoded) of a key given by its Win32 name, or None."""
        try:
            node = self.open(self.nt_path(key))
            found = self.value(node, name)
        except NtError:
            return None
        return decode_value(found.type, found.data)


def encode_value(value) -> tuple[int, bytes]:
    if isinstance(value, tuple):
        type_, raw = value
        type_ = TYPE_NAMES[type_] if isinstance(type_, str) else type_
        if isinstance(raw, (bytes, bytearray)):
            return type_, bytes(raw)
        if type_ in (REG_SZ, REG_EXPAND_SZ, REG_LINK):
            return type_, (raw + "\0").encode("utf-16-le") if type_ != REG_LINK else raw.encode("utf-16-le")
        if type_ == REG_MULTI_SZ:
            return type_, "".join(s + "\0" for s in raw).encode("utf-16-le") + b"\0\0"
        if type_ == REG_DWORD:
            return type_, struct.pack("<I", raw & 0xFFFFFFFF)
        if type_ == REG_DWORD_BIG_ENDIAN:
            return type_, struct.pack(">I", raw & 0xFFFFFFFF)
        if type_ == REG_QWORD:
            return type_, struct.pack("<Q", raw & 0xFFFFFFFFFFFFFFFF)
        raise ValueError(f"cannot store {raw!r} as type {type_}")
    if isinstance(value, bool):
        return REG_DWORD, struct.pack("<I", int(value))
    if isinstance(value, int):
        if 0 <= value <= 0xFFFFFFFF or -0x80000000 <= value < 0:
            return REG_DWORD, struct.pack("<I", value & 0xFFFFFFFF)
        return REG_QWORD, struct.pack("<Q", value & 0xFFFFFFFFFFFFFFFF)
    if isinstance(value, str):
        return REG_SZ, (value + "\0").encode("utf-16-le")
    if isinstance(value, (bytes, bytearray)):
        return REG_BINARY, bytes(value)
    if isinstance(value, (list, tuple)):
        return encode_value((REG_MULTI_SZ, list(value)))
    raise ValueError(f"cannot store {value!r} in the registry")


def decode_value(type_: int, data: bytes):
    if type_ in (REG_SZ, REG_EXPAND_SZ):
        return data.decode("utf-16-le", "replace").split("\0", 1)[0]
    if type_ == REG_MULTI_SZ:
        text = data.decode("utf-16-le", "replace")
        return [s for s in text.split("\0") if s] if text.strip("\0") else []
    if type_ == REG_DWORD and len(data) >= 4:
        return struct.unpack("<I", data[:4])[0]
    if type_ == REG_QWORD and len(data) >= 8:
        return struct.unpack("<Q", data[:8])[0]
    return data


# -- the registry of a Windows 7 machine as ntboot sets it up ----------------------------------------

def registry_of(kernel) -> Registry:
    """The kernel's registry, built on first use."""
    reg = kernel._registry
    if reg is None:
        reg = kernel._registry = Registry(kernel.clock.system_time)
        populate(reg, kernel)
    return reg


def populate(reg: Registry, kernel) -> None:
    profile = kernel.profile
    env = kernel.default_environment()
    windir = kernel.windows_directory
    version = f"{profile.major}.{profile.minor}"
    nt = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
    reg.set("HKLM\\HARDWARE\\DESCRIPTION\\System", {"Identifier": "AT/AT COMPATIBLE"})
    reg.set("HKLM\\HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0", {
        "Identifier": "x86 Family 6 Model 42 Stepping 7", "VendorIdentifier": "GenuineIntel",
        "ProcessorNameString": "Intel(R) Core(TM) i5-2500 CPU @ 3.30GHz", "~MHz": 3300, "FeatureSet": 0x21193FFF,
    })
    reg.set("HKLM\\SAM")
    reg.set("HKLM\\SECURITY")
    reg.set("HKLM\\SOFTWARE\\Classes\\.txt", {"": "txtfile", "Content Type": "text/plain"})
    reg.set("HKLM\\SOFTWARE\\Classes\\.exe", {"": "exefile", "Content Type": "application/x-msdownload"})
    reg.set("HKLM\\SOFTWARE\\Classes\\txtfile", {"": "Text Document"})
    reg.set("HKLM\\SOFTWARE\\Classes\\exefile", {"": "Application"})
    reg.set("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion", {
        "ProgramFilesDir": env.get("ProgramFiles", "C:\\Program Files"),
        "CommonFilesDir": env.get("ProgramFiles", "C:\\Program Files") + "\\Common Files",
        "ProgramFilesPath": ("REG_EXPAND_SZ", "%ProgramFiles%"),
        "SM_GamesName": "Games", "SM_ConfigureProgramsName": "Set Program Access and Defaults",
        "MediaPathUnexpanded": ("REG_EXPAND_SZ", "%SystemRoot%\\Media"),
        "DevicePath": ("REG_EXPAND_SZ", "%SystemRoot%\\inf"),
    })
    reg.set("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\App Paths")
    reg.set("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run")
    reg.set("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall")
    reg.set(nt, {
        "CurrentVersion": version, "CurrentBuild": profile.current_build or str(profile.build), "CurrentBuildNumber": str(profile.build),
        "CSDVersion": profile.csd_version, "CSDBuildNumber": profile.csd_build,
        "ProductName": profile.product_name,
        "CurrentType": "Multiprocessor Free" if profile.number_of_processors > 1 else "Uniprocessor Free",
        "BuildLab": profile.build_lab,
        "SystemRoot": windir, "PathName": windir, "SoftwareType": "System",
        "RegisteredOwner": env.get("USERNAME", "user"), "RegisteredOrganization": "",
        "ProductId": "00371-OEM-8992671-00524", "InstallDate": 1293840000,
    })
    # values a newer Windows added (XP has neither EditionID nor InstallationType)
    reg.set(nt, {name: value for name, value in (("EditionID", profile.edition_id),
                                                 ("InstallationType", profile.installation_type)) if value})
    reg.set(nt + "\\Image File Execution Options")
    reg.set(nt + "\\Fonts")
    folders = profile.folders
    home = env.get("USERPROFILE", folders.user_profile("user"))
    reg.set(nt + "\\ProfileList\\" + USER_SID, {"ProfileImagePath": ("REG_EXPAND_SZ", home)})
    profiles_dir = "%SystemDrive%" + folders.profiles.removeprefix("C:")
    if folders.local_appdata_variable:          # Vista and later: C:\Users, C:\ProgramData
        reg.set(nt + "\\ProfileList", {"ProfilesDirectory": ("REG_EXPAND_SZ", profiles_dir),
                                       "ProgramData": ("REG_EXPAND_SZ", "%SystemDrive%" +
                                                       folders.all_users.removeprefix("C:"))})
    else:                                       # XP: the folder names below C:\Documents and Settings
        reg.set(nt + "\\ProfileList", {"ProfilesDirectory": ("REG_EXPAND_SZ", profiles_dir),
                                       "AllUsersProfile": folders.all_users.rsplit("\\", 1)[-1],
                                       "DefaultUserProfile": "Default User"})
    reg.set("HKLM\\SOFTWARE\\Policies")
    # SYSTEM: ControlSet001, and CurrentControlSet as the link to it
    cs = "HKLM\\SYSTEM\\ControlSet001"
    reg.set(cs + "\\Control", {"SystemStartOptions": "", "SystemBootDevice": "multi(0)disk(0)rdisk(0)partition(1)"})
    reg.set(cs + "\\Control\\ComputerName\\ComputerName", {"ComputerName": env.get("COMPUTERNAME", "NTBOOT")})
    reg.set(cs + "\\Control\\ComputerName\\ActiveComputerName", {"ComputerName": env.get("COMPUTERNAME", "NTBOOT")})
    ansi = kernel.ansi_codepage.removeprefix("cp")
    oem = kernel.oem_codepage.removeprefix("cp")
    reg.set(cs + "\\Control\\Nls\\CodePage", {"ACP": ansi, "OEMCP": oem, "MACCP": "10000"})
    reg.set(cs + "\\Control\\Nls\\Language", {"Default": "0409", "InstallLanguage": "0409"})
    reg.set(cs + "\\Control\\Nls\\Locale", {"": "00000409"})
    reg.set(cs + "\\Control\\Windows", {"CSDVersion": profile.service_pack[0] << 8 | profile.service_pack[1],
                                        "SystemDirectory": ("REG_EXPAND_SZ", "%SystemRoot%\\system32")})
    reg.set(cs + "\\Control\\TimeZoneInformation", {
        "TimeZoneKeyName": "UTC", "StandardName": "Coordinated Universal Time",
        "DaylightName": "Coordinated Universal Time", "Bias": 0, "ActiveTimeBias": 0, "StandardBias": 0,
        "DaylightBias": 0})
    reg.set(cs + "\\Control\\Session Manager", {"ObjectDirectories": ["\\Windows", "\\RPC Control"]})
    reg.set(cs + "\\Control\\Session Manager\\Environment", {
        "ComSpec": ("REG_EXPAND_SZ", "%SystemRoot%\\system32\\cmd.exe"), "OS": "Windows_NT",
        "Path": ("REG_EXPAND_SZ", "%SystemRoot%\\system32;%SystemRoot%"),
        "PATHEXT": env.get("PATHEXT", ".COM;.EXE;.BAT;.CMD"),
        "PROCESSOR_ARCHITECTURE": "x86", "NUMBER_OF_PROCESSORS": str(profile.number_of_processors),
        "TEMP": ("REG_EXPAND_SZ", "%SystemRoot%\\TEMP"), "TMP": ("REG_EXPAND_SZ", "%SystemRoot%\\TEMP"),
        "windir": ("REG_EXPAND_SZ", "%SystemRoot%"),
    })
    reg.set(cs + "\\Hardware Profiles\\Current")
    reg.set(cs + "\\Services")
    reg.set("HKLM\\SYSTEM\\Select", {"Current": 1, "Default": 1, "Failed": 0, "LastKnownGood": 2})
    system = reg.open(reg.nt_path("HKLM\\SYSTEM"))
    system.subkeys["CURRENTCONTROLSET"] = ("CurrentControlSet", system.child("ControlSet001"))
    # the user
    user = "HKCU"
    reg.set("HKU\\.DEFAULT\\Software")
    reg.set(user + "\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Shell Folders", {
        "AppData": env.get("APPDATA", ""), "Local AppData": env.get("LOCALAPPDATA", f"{home}\\{folders.local}"),
        "Personal": f"{home}\\{folders.documents}", "Desktop": f"{home}\\{folders.desktop}"})
    reg.set(user + "\\Software\\Microsoft\\Windows\\CurrentVersion\\Run")
    reg.set(user + "\\Software\\Classes")
    reg.set(user + "\\Software\\Policies")
    reg.set(user + "\\Control Panel\\International", {
        "Locale": "00000409", "LocaleName": "en-US", "sDecimal": ".", "sThousand": ",", "sList": ",",
        "sShortDate": "M/d/yyyy", "sLongDate": "dddd, MMMM d, yyyy", "sTimeFormat": "h:mm:ss tt",
        "sCurrency": "$", "iCountry": "1", "sCountry": "United States"})
    reg.set(user + "\\Control Panel\\Desktop")
    reg.set(user + "\\Console")
    reg.set(user + "\\Environment", {
        "TEMP": ("REG_EXPAND_SZ", f"%USERPROFILE%\\{folders.temp}"),
        "TMP": ("REG_EXPAND_SZ", f"%USERPROFILE%\\{folders.temp}")})
    reg.set(user + "\\Volatile Environment", {
        name: env[name] for name in ("APPDATA", "HOMEDRIVE", "HOMEPATH", "LOCALAPPDATA", "USERNAME", "USERPROFILE")
        if name in env})
    reg.open(reg.nt_path(user + "\\Volatile Environment")).volatile = True
    # what the run was given
    for name, values in kernel.image_file_execution_options.items():
        reg.set(IFEO + "\\" + name, values)
    for key, values in (getattr(kernel.options, "registry", None) or {}).items():
        reg.set(key, values)


def image_file_execution_options(kernel, image_name: str) -> dict:
    """The values of the image's Image File Execution Options key (what LdrQueryImageFileExecutionOptions reads)."""
    reg = registry_of(kernel)
    try:
        node = reg.open(reg.nt_path(IFEO + "\\" + image_name))
    except NtError:
        return {}
    return {v.name: decode_value(v.type, v.data) for v in node.values.values()}
