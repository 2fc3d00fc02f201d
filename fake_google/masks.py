"""Google's partial-response `fields` masks: `id,name`, `files(id,name)`, `sheets.properties`."""

from __future__ import annotations

from typing import Any

from fake_google.store import ApiError

Mask = dict[str, "Mask"]
"""A tree of field names; an empty subtree means "the whole value"."""


def parse_fields(text: str) -> Mask:
    """Parse a mask; raises Google's 400 for unbalanced parentheses."""
    tree: Mask = {}
    stack: list[Mask] = [tree]
    prefixes: list[list[str]] = [[]]
    token = ""

    def flush() -> None:
        nonlocal token
        name = token.strip()
        token = ""
        if not name:
            return
        node = stack[-1]
        for part in name.split("."):
            node = node.setdefault(part, {})
        prefixes[-1] = name.split(".")

    for char in text:
        if char == ",":
            flush()
        elif char == "(":
            name = token.strip()
            flush()
            node = stack[-1]
            for part in name.split("."):
                node = node.setdefault(part, {})
            stack.append(node)
            prefixes.append([])
        elif char == ")":
            flush()
            if len(stack) == 1:
                raise invalid_mask(text)
            stack.pop()
            prefixes.pop()
        else:
            token += char
    flush()
    if len(stack) != 1:
        raise invalid_mask(text)
    return tree


def invalid_mask(text: str) -> ApiError:
    return ApiError(
        400,
        f"Invalid field selection {text}",
        "INVALID_ARGUMENT",
        reason="invalidParameter",
        location="fields",
        location_type="parameter",
    )


def apply_mask(data: Any, mask: Mask) -> Any:
    """Keep only the masked fields; lists are masked item by item."""
    if not mask or mask.get("*") == {}:
        return data
    if isinstance(data, list):
        return [apply_mask(item, mask) for item in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for key, sub in mask.items():
        if key in data:
            out[key] = apply_mask(data[key], sub)
    return out
