"""What every backend over one API client shares: who it acts as, its repr, queue labels."""

from __future__ import annotations

from insta_nb.backend import Op, describe
from insta_nb.backends.http.api_client import ChannelClient

__all__ = ["ClientBackend"]


class ClientBackend:
    """The part of :class:`~insta_nb.backend.Backend` that only reads the client."""

    client: ChannelClient

    @property
    def username(self) -> str:
        return self.client.username

    @property
    def api_url(self) -> str:
        return self.client.api_url

    @property
    def read_only(self) -> bool:
        return self.client.read_only

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.client!r})"

    def label(self, op: Op, subject: str = "") -> str:
        return describe(op, subject)
