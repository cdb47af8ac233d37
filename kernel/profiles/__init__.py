"""OS profiles: every fact that differs between Windows versions, in one place per version."""
from .base import Profile, get_profile, PROFILES

__all__ = ["Profile", "get_profile", "PROFILES"]
