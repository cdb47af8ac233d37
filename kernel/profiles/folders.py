"""Where a Windows version keeps the user's and the shared folders.

Windows Vista moved the profiles from `C:\\Documents and Settings` to `C:\\Users` and renamed what is in
them (`Application Data` -> `AppData\\Roaming`, `Local Settings\\Application Data` -> `AppData\\Local`,
`My Documents` -> `Documents`); the all-users folder became `C:\\ProgramData`.  Paths below a user
profile are relative to it; the others are absolute.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Folders:
    profiles: str            # the folder that holds the user profiles
    all_users: str           # ALLUSERSPROFILE (CSIDL_COMMON_APPDATA's parent on XP, ProgramData on 7)
    common_appdata: str      # CSIDL_COMMON_APPDATA
    common_documents: str    # CSIDL_COMMON_DOCUMENTS
    # below the user's profile
    roaming: str             # APPDATA, CSIDL_APPDATA
    local: str               # CSIDL_LOCAL_APPDATA
    temp: str                # TEMP and TMP
    documents: str
    desktop: str
    favorites: str
    music: str
    videos: str
    pictures: str
    start_menu: str
    recent: str
    send_to: str
    templates: str
    local_appdata_variable: bool   # the environment has LOCALAPPDATA (Vista and later)

    def user_profile(self, user: str) -> str:
        return f"{self.profiles}\\{user}"


WIN7_FOLDERS = Folders(
    profiles="C:\\Users", all_users="C:\\ProgramData", common_appdata="C:\\ProgramData",
    common_documents="C:\\Users\\Public\\Documents",
    roaming="AppData\\Roaming", local="AppData\\Local", temp="AppData\\Local\\Temp",
    documents="Documents", desktop="Desktop", favorites="Favorites",
    music="Music", videos="Videos", pictures="Pictures",
    start_menu="AppData\\Roaming\\Microsoft\\Windows\\Start Menu",
    recent="AppData\\Roaming\\Microsoft\\Windows\\Recent",
    send_to="AppData\\Roaming\\Microsoft\\Windows\\SendTo",
    templates="AppData\\Roaming\\Microsoft\\Windows\\Templates",
    local_appdata_variable=True,
)

XP_FOLDERS = Folders(
    profiles="C:\\Documents and Settings", all_users="C:\\Documents and Settings\\All Users",
    common_appdata="C:\\Documents and Settings\\All Users\\Application Data",
    common_documents="C:\\Documents and Settings\\All Users\\Documents",
    roaming="Application Data", local="Local Settings\\Application Data", temp="Local Settings\\Temp",
    documents="My Documents", desktop="Desktop", favorites="Favorites",
    music="My Documents\\My Music", videos="My Documents\\My Videos", pictures="My Documents\\My Pictures",
    start_menu="Start Menu", recent="Recent", send_to="SendTo", templates="Templates",
    local_appdata_variable=False,
)
