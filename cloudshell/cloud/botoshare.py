"""What every botocore session cloudshell makes in one process shares: the parsed models, and the
client classes built from them.

- **Models.** botocore parses its JSON models per Session (EC2's service model alone is megabytes:
  ~150 ms, most of a one-shot command's CPU). One loader per process, keyed by its search path, keeps
  them parsed: every further session (several clouds, the REPL's `use`, a command run in-process)
  reuses them.
- **Client classes.** botocore builds a new class for every client it makes: a method and a docstring
  object per operation, ~10,000 objects in reference cycles for EC2, 20 ms of CPU, and all of it left
  for the cycle collector when the session closes. The class depends only on the service's model and
  on the handlers of botocore's ``creating-client-class`` event, which are the same in every session
  cloudshell makes, so cloudshell's sessions make it once per service and API version. Sessions that
  are not cloudshell's (awscli's, a plugin's) are left to botocore as they are. Measured on one
  core: a session and its EC2 client, 31 ms and ~10,500 objects of cyclic garbage without the
  shared class, 10 ms and ~1,000 with it.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

_LOADERS: dict[str, Any] = {}
_CLASSES: dict[tuple[str, str], type] = {}
_OURS: weakref.WeakSet[Any] = weakref.WeakSet()   # the event emitters of cloudshell's sessions
_LOCK = threading.Lock()


def share(bs: Any) -> None:
    """Make the botocore session ``bs`` use the process's loader and client classes."""
    key = str(bs.get_config_variable("data_path") or "")
    with _LOCK:
        loader = _LOADERS.get(key)
        if loader is None:
            loader = _LOADERS[key] = bs.get_component("data_loader")
        _patch_client_creator()
        _OURS.add(bs.get_component("event_emitter"))
    bs.register_component("data_loader", loader)


def _patch_client_creator() -> None:
    """Once per process (under _LOCK): ClientCreator reuses a class it made for one of our sessions.

    Only where botocore still has the method this wraps, with the attribute it reads; otherwise
    every client gets its own class, as botocore makes it."""
    from botocore import client as bc

    make = getattr(bc.ClientCreator, "_create_client_class", None)
    if make is None or getattr(make, "cloudshell_shared", False):
        return

    def create_client_class(self: Any, service_name: str, service_model: Any) -> type:
        if getattr(self, "_event_emitter", None) not in _OURS:
            return make(self, service_name, service_model)
        key = (service_name, str(service_model.api_version))
        cls = _CLASSES.get(key)
        if cls is None:
            cls = make(self, service_name, service_model)
            with _LOCK:
                cls = _CLASSES.setdefault(key, cls)
        return cls

    create_client_class.cloudshell_shared = True  # type: ignore[attr-defined]
    bc.ClientCreator._create_client_class = create_client_class  # type: ignore[method-assign]
