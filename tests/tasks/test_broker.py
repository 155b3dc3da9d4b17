"""The embedded broker: a message is never seen before it is whole."""

from __future__ import annotations

import json
import threading
import time
from queue import Empty

import pytest
import redis
from kombu import Connection

from tasks import celery_config
from tasks.broker import RedisTransport, Transport, broker_forgot
from tests.conftest import make_settings


def _connection(folder) -> Connection:
    queue = folder / "queue"
    queue.mkdir(parents=True, exist_ok=True)
    return Connection(
        "filesystem://localhost//",
        transport="tasks.broker:Transport",
        transport_options={
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "staging_folder": str(folder / "staging"),
            "polling_interval": 0.001,
        },
    )


def test_a_reader_racing_many_writers_gets_every_message_whole(tmp_path):
    # kombu's own transport made the file, then wrote it: a reader listing
    # the folder in between read an empty message (kombu#1551). Here the
    # channel's own put and get race each other, as a worker's do.
    writers, each = 4, 250
    body = "x" * 20_000  # big enough that a write takes a while

    def write(index: int) -> None:
        with _connection(tmp_path) as connection:
            channel = connection.default_channel
            for n in range(each):
                channel._put("work", {"writer": index, "n": n, "body": body})

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    seen = set()
    deadline = time.monotonic() + 60
    with _connection(tmp_path) as connection:
        channel = connection.default_channel
        while len(seen) < writers * each and time.monotonic() < deadline:
            try:
                message = channel._get("work")
            except Empty:
                continue
            assert message["body"] == body  # whole, never empty or cut
            seen.add((message["writer"], message["n"]))
    for thread in threads:
        thread.join()

    assert len(seen) == writers * each
    assert not list((tmp_path / "staging").iterdir())  # nothing left half-way


def test_the_service_uses_it_for_the_embedded_broker(tmp_path):
    config = celery_config(make_settings(tmp_path))
    assert config["broker_transport"] == "tasks.broker:Transport"
    assert Connection(config["broker_url"], transport=config["broker_transport"]).transport_cls
    assert issubclass(Transport, object) and json.dumps(config["broker_transport_options"])


def test_the_service_uses_the_mended_redis_transport(tmp_path, redis_server):
    config = celery_config(make_settings(tmp_path, broker_url=redis_server))

    with Connection(config["broker_url"], transport=config["broker_transport"]) as connection:
        assert isinstance(connection.transport, RedisTransport)
        assert connection.default_channel.client.ping()


def test_a_released_redis_connection_is_reported_as_a_connection_error(redis_server):
    connection = Connection(redis_server, transport=RedisTransport)
    channel = connection.default_channel
    channel.qos._delivered["tag"] = "a message in flight"
    connection.release()

    # kombu (closing the channel) and Celery (acknowledging a message) catch
    # these; an AttributeError here stopped the worker.
    with pytest.raises(tuple(RedisTransport.connection_errors)):
        channel._connparams()
    channel.qos.restore_unacked()
    assert not channel.qos._delivered


def test_the_sweeper_knows_when_redis_has_lost_its_queue(tmp_path, redis_server):
    settings = make_settings(tmp_path, broker_url=redis_server)
    mark = f"intake:{settings.queue}:remembers"

    first, again = broker_forgot(settings), broker_forgot(settings)
    redis.Redis.from_url(redis_server).delete(mark)  # as a restart or a flush does
    after_restart = broker_forgot(settings)

    assert (first, again, after_restart) == (True, False, True)
    assert broker_forgot(make_settings(tmp_path)) is False  # the embedded broker keeps files
