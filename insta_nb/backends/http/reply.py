"""What remains of a response once httpx is done with it: :class:`Reply`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from insta_nb import errors
from insta_nb.backends.http.body import NOT_JSON, html_summary

__all__ = ["Reply"]

_T = TypeVar("_T")


@dataclass(frozen=True)
class Reply:
    """What remains of a response once httpx is done with it."""

    status: int
    data: Any  # decoded JSON, None for an empty body, or NOT_JSON
    text: str
    method: str
    path: str

    def unexpected(self, message: str) -> errors.UnexpectedResponseError:
        return errors.UnexpectedResponseError(
            message,
            status=self.status,
            body=self.text or None,
            method=self.method,
            path=self.path,
        )

    def json(self) -> Any:
        """The decoded body of a success; a success must carry JSON."""
        if self.data is NOT_JSON or self.data is None:
            summary = html_summary(self.text)
            detail = f"an HTML page ({summary})" if summary else "a body that is not JSON"
            if not self.text.strip():
                detail = "an empty body"
            raise self.unexpected(f"the API answered {self.status} with {detail}")
        return self.data

    def parse(self, parser: Callable[[Any], _T]) -> _T:
        """``parser(body)``, with shape errors stamped with this reply's status and path."""
        data = self.json()
        try:
            return parser(data)
        except errors.UnexpectedResponseError as exc:
            raise errors.UnexpectedResponseError(
                exc.message, status=self.status, body=data, method=self.method, path=self.path
            ) from exc
