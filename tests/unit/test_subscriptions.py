"""The embedded bus and the nameko workers subscribe to the same events, for every service.

Both come from the service's subscription table; this checks the two transports read it alike. The
nameko side is inspected in a child process: nameko brings eventlet, which stays out of the test
process where grpcio servers run (see pyproject's pytest options). No broker is needed: the worker
classes' entrypoints are only looked at, never started.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from jifen import composition
from jifen.bus.in_process import InProcessBus

# What `nameko run services.<svc>.entrypoints.worker` would find: the module's service class, and
# each entrypoint the class declares.
INSPECT_WORKERS = """
import importlib, inspect, json, sys
from nameko.events import EventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.timer import Timer

found = {}
for service in sys.argv[1:]:
    module = importlib.import_module(f"services.{service}.entrypoints.worker")
    classes = [
        cls for _, cls in inspect.getmembers(module, inspect.isclass)
        if any(getattr(f, ENTRYPOINT_EXTENSIONS_ATTR, None) for _, f in inspect.getmembers(cls))
    ]
    assert len(classes) == 1, classes
    cls = classes[0]
    handlers, timers = [], []
    for method, function in inspect.getmembers(cls, inspect.isfunction):
        for entrypoint in getattr(function, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, EventHandler):
                handlers.append([entrypoint.source_service, entrypoint.event_type, method,
                                 entrypoint.requeue_on_error])
            elif isinstance(entrypoint, Timer):
                timers.append(method)
    found[service] = {"name": cls.name, "handlers": handlers, "timers": timers}
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def workers() -> dict[str, dict]:
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", INSPECT_WORKERS, *composition.SERVICES],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def bus(settings):
    parts = {name: composition.load(name).build_events(settings) for name in composition.SERVICES}
    yield InProcessBus(list(parts.values())), parts
    for part in parts.values():
        part.close()


def embedded_subscriptions(bus: InProcessBus, part) -> set[tuple[str, str]]:
    return {key for key, consumers in bus.subscribers.items() if part.consumer in consumers}


@pytest.mark.parametrize("service", composition.SERVICES)
def test_the_embedded_bus_and_the_nameko_worker_subscribe_to_the_same_events(service, bus, workers):
    in_process, parts = bus
    nameko = {(producer, event_type) for producer, event_type, _, _ in workers[service]["handlers"]}
    assert nameko == embedded_subscriptions(in_process, parts[service])
    assert len(workers[service]["handlers"]) == len(nameko)


@pytest.mark.parametrize("service", composition.SERVICES)
def test_every_nameko_handler_requeues_on_error_under_its_queue_name(service, workers):
    assert workers[service]["name"] == service
    for _, event_type, method, requeue_on_error in workers[service]["handlers"]:
        assert requeue_on_error
        # The queue is named after the method: a new name would strand the events queued for the old.
        assert method == "on_" + event_type.replace(".", "_")


@pytest.mark.parametrize("service", composition.SERVICES)
def test_every_nameko_worker_relays_its_outbox_and_runs_only_jobs_the_service_has(service, bus, workers):
    _, parts = bus
    timers = set(workers[service]["timers"])
    assert "relay_outbox" in timers
    assert timers - {"relay_outbox"} <= {job.name for job in parts[service].jobs}


@pytest.mark.parametrize("service", ["members", "points", "market"])
def test_every_job_of_the_service_has_a_timer_in_its_nameko_worker(service, bus, workers):
    _, parts = bus
    assert {job.name for job in parts[service].jobs} <= set(workers[service]["timers"])


def test_members_consumes_nothing_and_points_and_market_hear_of_every_member(bus, workers):
    in_process, parts = bus
    assert parts["members"].consumer is None and workers["members"]["handlers"] == []
    member_events = {
        ("members", t)
        for t in ("member.registered", "member.updated", "member.deactivated", "member.reactivated")
    }
    for service in ("points", "market"):
        assert member_events <= embedded_subscriptions(in_process, parts[service])
