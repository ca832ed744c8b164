"""The referral directory: hotlines, emergency numbers and embassies, each with its source.

The data lives in data/referrals/*.yml (built from ../shared/research/hotlines.yml); this
package loads and validates it and picks entries by need and place. No Rasa imports.
"""

from bot.referrals.loader import REFERRALS_DIR, DirectoryError, default_directory, load_directory
from bot.referrals.lookup import LOCAL_NEEDS, find_referrals, places_without_referrals
from bot.referrals.model import NEEDS, SERVES, Directory, Referral

__all__ = [
    "LOCAL_NEEDS",
    "NEEDS",
    "REFERRALS_DIR",
    "SERVES",
    "Directory",
    "DirectoryError",
    "default_directory",
    "Referral",
    "find_referrals",
    "load_directory",
    "places_without_referrals",
]
