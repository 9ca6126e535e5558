"""Reading a plugin's namespaced settings dict once, over its defaults.

Every plugin keeps its settings in one dict in pelicanconf.py (`FEEDS`, `MOUS`,
`SEO`, …). An unknown key is an error naming the key and the known ones, so a typo
never silently falls back to a default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Any, TypeVar


class SettingsError(ValueError):
    """A plugin settings dict with a key the plugin does not know."""


def plugin_settings(
    settings: Mapping[str, Any], name: str, defaults: Mapping[str, Any]
) -> dict[str, Any]:
    """`settings[name]` merged over `defaults`; unknown keys raise SettingsError."""
    given = dict(settings.get(name) or {})
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise SettingsError(
            f"{name}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(defaults)}"
        )
    return {**defaults, **given}


SettingsClass = TypeVar("SettingsClass")


def dataclass_settings(
    settings: Mapping[str, Any], name: str, cls: type[SettingsClass]
) -> SettingsClass:
    """A frozen settings dataclass built from `settings[name]` (fields are the keys)."""
    defaults = {f.name: f.default for f in fields(cls) if f.default is not MISSING}
    return cls(**plugin_settings(settings, name, defaults))
