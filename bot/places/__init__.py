"""Places named in a message: where the person is or is going, and where they come from."""

from bot.places.gazetteer import country_name
from bot.places.locate import PlaceResult, locate_places

__all__ = ["PlaceResult", "country_name", "locate_places"]
