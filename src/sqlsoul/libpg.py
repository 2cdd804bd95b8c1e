"""pglast's parser module, imported without building pglast's AST classes and enums up front.

sqlsoul reads libpg_query's JSON and never needs `pglast.ast` or `pglast.enums`, yet the package
imports both when it loads (about two thirds of its import time, paid on every run, pre-commit
included). Here they are registered as lazy modules (importlib.util.LazyLoader): anyone who uses
them later, a plugin say, gets them loaded in full on first touch.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType

_DEFERRED = ("enums", "ast")


def _load_deferring_submodules() -> None:
    spec = importlib.util.find_spec("pglast")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        raise ImportError("pglast is not installed as a package")
    package = importlib.util.module_from_spec(spec)
    folder = spec.submodule_search_locations[0]
    # Touching any attribute of a lazy module loads it, its __name__ too: keep the names apart.
    lazy = {f"{spec.name}.{name}": _lazy_module(package, folder, name) for name in _DEFERRED}
    sys.modules[spec.name] = package
    sys.modules.update(lazy)
    try:
        spec.loader.exec_module(package)
    except BaseException:
        for name in (spec.name, *lazy):
            sys.modules.pop(name, None)
        raise


def _lazy_module(package: ModuleType, folder: str, name: str) -> ModuleType:
    path = os.path.join(folder, name, "__init__.py")
    is_package = os.path.isfile(path)
    if not is_package:
        path = os.path.join(folder, name + ".py")
    spec = importlib.util.spec_from_file_location(
        f"{package.__name__}.{name}", path, submodule_search_locations=[os.path.dirname(path)] if is_package else None
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot locate pglast.{name}")
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # with LazyLoader this only arms the module
    setattr(package, name, module)
    return module


if "pglast" not in sys.modules:
    try:
        _load_deferring_submodules()
    except (ImportError, OSError):
        pass  # an unexpected layout of the package: the plain import below loads it as usual

from pglast import parser  # noqa: E402

__all__ = ["parser"]
