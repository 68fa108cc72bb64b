"""Every module of the shop package is placed in the layers contract: above the apps or below them."""

from pathlib import Path
import pkgutil
import tomllib

import shop

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _layers() -> list[set[str]]:
    """The layers contract of pyproject.toml, top first, each layer as its module names."""
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    layers = next(contract for contract in contracts if contract["type"] == "layers")["layers"]
    return [{part.strip().strip("()") for part in layer.replace("|", ":").split(":")} for layer in layers]


def test_every_shop_module_sits_in_a_layer():
    layered = set().union(*_layers())
    unplaced = sorted(
        f"shop.{module.name}" for module in pkgutil.iter_modules(shop.__path__) if f"shop.{module.name}" not in layered
    )
    assert unplaced == [], "place these in the layers contract of pyproject.toml"


def test_the_platform_sits_below_every_app_and_the_assembly_above():
    layers = _layers()
    assert {"shop.urls", "shop.settings", "shop.management"} <= layers[0]
    assert {"shop.errors", "shop.events", "shop.side_effects", "shop.public_cache", "shop.api"} <= layers[-1]
    assert {"orders", "sellers", "catalog"} <= set().union(*layers[1:-1])
