"""English inflection and identifier conventions used to read intent from column names."""

from __future__ import annotations

from functools import cache

_IRREGULAR_PLURALS = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "mouse": "mice",
    "goose": "geese",
    "criterion": "criteria",
    "analysis": "analyses",
    "index": "indexes",
    "status": "statuses",
}
_IRREGULAR_SINGULARS = {plural: singular for singular, plural in _IRREGULAR_PLURALS.items()}
_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")
# Words ending in "s" that are not plurals.
_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ics", "news", "series", "species")
_NOT_PLURAL_WORDS = frozenset({"alias", "atlas", "bias", "canvas", "gas", "lens", "chassis", "sms", "dns", "ios", "macos", "yes"})


def words(identifier: str) -> list[str]:
    """Split snake_case and camelCase into lower-case words."""
    return list(_words(identifier))


@cache  # history rules split the same column names again and again
def _words(identifier: str) -> tuple[str, ...]:
    result: list[str] = []
    for part in identifier.split("_"):
        current = ""
        for index, char in enumerate(part):
            boundary = char.isupper() and current and (not current[-1].isupper() or (index + 1 < len(part) and part[index + 1].islower()))
            if boundary:
                result.append(current.lower())
                current = ""
            current += char
        if current:
            result.append(current.lower())
    return tuple(result)


@cache
def plurals(word: str) -> tuple[str, ...]:
    """Plausible plural spellings of a singular noun."""
    if word in _IRREGULAR_PLURALS:
        return (_IRREGULAR_PLURALS[word], word + "s")
    if word.endswith(_SIBILANT_ENDINGS):
        return (word + "es",)
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return (word[:-1] + "ies",)
    if word.endswith("f"):
        return (word + "s", word[:-1] + "ves")
    if word.endswith("fe"):
        return (word + "s", word[:-2] + "ves")
    return (word + "s",)


def is_plural(word: str) -> bool:
    return word in _IRREGULAR_SINGULARS or (
        len(word) > 3 and word.endswith("s") and not word.endswith(_NOT_PLURAL_ENDINGS) and word not in _NOT_PLURAL_WORDS
    )


@cache
def singular(word: str) -> str:
    """The singular of a plural noun; a word that is not plural comes back unchanged."""
    if word in _IRREGULAR_SINGULARS:
        return _IRREGULAR_SINGULARS[word]
    if not is_plural(word):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ves"):
        return word[:-3] + "f"
    for ending in _SIBILANT_ENDINGS:
        if word.endswith(ending + "es"):
            return word[:-2]
    return word[:-1]


def entity_forms(entity: str) -> tuple[str, ...]:
    """Table names an entity may go by: as written, its plurals, and its singular."""
    return tuple(dict.fromkeys((entity, *plurals(entity), singular(entity))))
