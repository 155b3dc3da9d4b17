"""The brokers, each mended where kombu lets a worker die.

The embedded broker: kombu's filesystem transport, each message written
whole before it can be seen.

kombu's own transport creates the message file in the queue folder and then
writes it; a worker listing the folder in between reads an empty file and
dies with ``JSONDecodeError`` (kombu#1551). Here a message is written and
flushed to disk under a staging folder beside the queue, then renamed into
the queue folder in one step (``os.replace``, atomic within a file system),
so a reader only ever finds whole messages.

Redis: when Redis goes away while a worker holds unacknowledged messages,
Celery closes the connection. Closing its channel tries to put those
messages back, and a task that ends a moment later tries to acknowledge its
message, both through a connection that is already released; kombu raises
``AttributeError`` and the worker exits for good ("Unrecoverable error").
Here a closed channel raises the connection error kombu and Celery already
handle (the acknowledgement is logged as lost), and closing leaves the
unacknowledged messages where they are: Redis hands them out again after
the visibility timeout, a task whose message comes twice finds its work
done, and the sweeper re-sends any submission still undecided long before.
"""

from __future__ import annotations

import logging
import os
import uuid
from time import monotonic

import redis as redis_client
from kombu.exceptions import ChannelError
from kombu.transport import filesystem, redis
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

from intake.config import Settings

log = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    """A filesystem channel whose messages appear in the queue whole."""

    @property
    def staging_folder(self) -> str:
        """Where a message is written before it is renamed into the queue
        (``staging_folder`` in the transport options; by default a
        ``staging`` folder beside the queue folder)."""
        folder = self.transport_options.get("staging_folder") or os.path.join(
            os.path.dirname(os.path.normpath(self.data_folder_out)), "staging"
        )
        os.makedirs(folder, exist_ok=True)
        return folder

    def _put(self, queue, payload, **kwargs) -> None:
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        staged = os.path.join(self.staging_folder, name)
        try:
            with open(staged, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
                f.flush()
                os.fsync(f.fileno())
            os.replace(staged, os.path.join(self.data_folder_out, name))
        except OSError as exc:
            raise ChannelError(f"Cannot add file {name!r} to the queue folder") from exc


class Transport(filesystem.Transport):
    """kombu's filesystem transport with :class:`Channel`."""

    Channel = Channel


class RedisQoS(redis.QoS):
    """Leaves unacknowledged messages in Redis when the connection is gone."""

    def restore_unacked(self, client=None) -> None:
        if client is None and self.channel.released:
            log.warning(
                "the broker connection is gone: %d unacknowledged message(s) are left "
                "for Redis to hand out again",
                len(self._delivered),
            )
            self._delivered.clear()
            return
        super().restore_unacked(client)


class RedisChannel(redis.Channel):
    """kombu's Redis channel with :class:`RedisQoS`, which says a closed
    connection is one."""

    QoS = RedisQoS

    @property
    def released(self) -> bool:
        """Whether the connection this channel belongs to is closed."""
        return self.connection is None or self.connection.client is None

    def _connparams(self, asynchronous: bool = False) -> dict:
        if self.released:
            raise redis_client.ConnectionError("the broker connection is closed")
        return super()._connparams(asynchronous=asynchronous)


class RedisTransport(redis.Transport):
    """kombu's Redis transport with :class:`RedisChannel`."""

    Channel = RedisChannel


def broker_forgot(settings: Settings) -> bool:
    """Whether the broker has lost what it held since this was last asked:
    Redis keeps nothing on disk, so a restart empties its queue. A mark left
    in Redis is gone after a restart (or a flush); then every file still
    waiting must be sent again now. The embedded broker's messages are files
    and survive; an unreachable broker cannot be sent to, so neither counts."""
    if settings.broker_url is None:
        return False
    client = redis_client.Redis.from_url(
        settings.broker_url, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        return bool(client.set(f"intake:{settings.queue}:remembers", "1", nx=True))
    except redis_client.RedisError:
        return False
    finally:
        client.close()
