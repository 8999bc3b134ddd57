"""Two moto servers as two clouds, ``a`` and ``b``, named in an isolated config.toml.

Import the fixture into a test module (``from two_clouds import two_clouds``): ``a`` is the run's
shared server (the ``cloud`` fixture), ``b`` the run's second one (conftest's ``second_server``).
Both are seeded with the demo cloud; ``b`` with another random seed, so their IDs differ.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cloudshell.cloud.demo import DemoFacts, MotoServer, seed
from cloudshell.cloud.session import CloudSession

B_SEED = 1


@dataclass
class TwoClouds:
    a: Any              # conftest.CloudUnderTest: url, session, env, server
    b_url: str
    b_server: MotoServer
    b_session: CloudSession
    facts_a: DemoFacts
    facts_b: DemoFacts
    config: Path

    @property
    def env(self) -> dict[str, str]:
        return self.a.env

    def url(self, name: str) -> str:
        return self.a.url if name == "a" else self.b_url

    def session(self, name: str) -> CloudSession:
        return self.a.session if name == "a" else self.b_session


def write_clouds_config(env: dict[str, str], clouds: dict[str, dict[str, Any]]) -> Path:
    """``config.toml`` in the environment's XDG config folder, one [clouds.NAME] table each."""
    lines = []
    for name, table in clouds.items():
        lines.append(f"[clouds.{name}]")
        for key, value in table.items():
            lines.append(f"{key} = {json.dumps(value)}")   # JSON's strings and booleans are TOML's
        lines.append("")
    path = Path(env["XDG_CONFIG_HOME"]) / "cloudshell" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    return path


@pytest.fixture
def two_clouds(cloud, second_server: MotoServer) -> Iterator[TwoClouds]:
    if not second_server.running:   # an outage test stopped it
        second_server.start(timeout=60)
        second_server.preload(timeout=180)
    second_server.reset(random_seed=B_SEED)
    session = CloudSession.for_url(second_server.url, read_timeout=60, deadline=120, mutation_deadline=120)
    try:
        facts_a = seed(cloud.session)
        facts_b = seed(session)
        config = write_clouds_config(cloud.env, {"a": {"endpoint_url": cloud.url},
                                                 "b": {"endpoint_url": second_server.url}})
        yield TwoClouds(a=cloud, b_url=second_server.url, b_server=second_server, b_session=session,
                        facts_a=facts_a, facts_b=facts_b, config=config)
    finally:
        session.close()
