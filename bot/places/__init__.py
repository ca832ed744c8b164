"""Places named in a message: where the person is or is going, and where they come from."""

from bot.places.locate import PlaceResult, locate_places

__all__ = ["PlaceResult", "locate_places"]
