"""The embedded broker: kombu's filesystem transport, each message written
whole before it can be seen.

kombu's own transport creates the message file in the queue folder and then
writes it; a worker listing the folder in between reads an empty file and
dies with ``JSONDecodeError`` (kombu#1551). Here a message is written and
flushed to disk under a staging folder beside the queue, then renamed into
the queue folder in one step (``os.replace``, atomic within a file system),
so a reader only ever finds whole messages.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


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
