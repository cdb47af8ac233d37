"""OS profiles: every fact that differs between Windows versions, in one place per version."""
from .base import DEFAULT_PROFILE, PROFILES, Profile, get_profile

__all__ = ["DEFAULT_PROFILE", "Profile", "get_profile", "PROFILES"]
