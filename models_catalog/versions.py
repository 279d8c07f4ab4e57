"""Ordering and naming of model versions ("1.0" < "1.2" < "1.10")."""

import re

# ASCII digits only: "2²" or "٣" is a word, since other digits are not what people mean
# by a version number (and "²".isdigit() holds where int() refuses it).
PART_RE = re.compile(r"[0-9]+|[^0-9.]+")


def version_key(version: str) -> tuple:
    """Numbers compare as numbers, words as words, numbers before words."""
    return tuple(
        (0, int(part), "") if part[0] in "0123456789" else (1, 0, part)
        for part in PART_RE.findall(version)
    )


def next_version(version: str, taken: set[str]) -> str:
    """The next free version after `version`: its last number raised by one."""
    numbers = re.match(r"^(.*?)([0-9]+)$", version)
    prefix, number = (numbers.group(1), int(numbers.group(2))) if numbers else (version + ".", 1)
    candidate = f"{prefix}{number + 1}"
    while candidate in taken:
        number += 1
        candidate = f"{prefix}{number + 1}"
    return candidate
