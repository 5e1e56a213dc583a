"""Sending the v1 create form's request and showing what became of it.

:class:`FormSubmit` (a mixin of :class:`~insta_nb.widgets.CreateForm`) sends one create
per click (a second click while it is on its way does nothing), shows its progress —
sent, "reconciling…" while an ambiguous create is looked for — and its outcome: the new
id, or the API's message next to the field it names. It also follows the inventory's
names, so a name that is taken (a duplicate would cost money) blocks Submit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from insta_nb import errors
from insta_nb.session import Operation, OperationState, ServiceEvent
from insta_nb.widgets._form_fields import SLOT_NAMES, precise_field
from insta_nb.widgets._form_html import outcome_html
from insta_nb.widgets._form_messages import FormMessages

if TYPE_CHECKING:
    from insta_nb.widgets._bridge import Bridge

__all__ = ["FormSubmit", "errors_message"]


class FormSubmit(FormMessages):
    """Submit, its outcome and the service's events (mixed into :class:`CreateForm`)."""

    bridge: Bridge
    owner: str
    outcome_text: str
    last_operation: Operation | None
    created_id: str | None
    #: Hands the inventory's names from the engine thread to the widget thread.
    _push_names: Callable[[frozenset[str]], None]

    @property
    def in_flight(self) -> bool:
        """Whether a create sent from this form has not answered yet."""
        return self._in_flight

    def _on_submit(self, _: object = None) -> None:
        if self._in_flight or self._closed:
            return  # a second click while the first is on its way does nothing
        self._pristine = set()  # Create pressed: every problem is shown
        self.revalidate()
        if self._problems or self.session.read_only:
            return
        spec = self.spec()
        force = bool(self.force.value)
        self._in_flight = True
        self._api_errors = {}
        self._submitted = {slot: self._signature(slot) for slot in SLOT_NAMES}
        self.created_id = None
        self._draw_submit()
        self._show_outcome("busy", f"◔ Sending the create request for {spec.cluster_name}…")
        session, owner = self.session, self.owner

        async def create() -> str:
            # Closed while this was on its way to the engine thread: it must not be
            # queued after close() cancelled the form's jobs.
            if self._closed:
                raise errors.JobCancelledError("the form was closed before the create was sent")
            with session.owned_by(owner):
                return await session.create_cluster(spec, force=force)

        self.bridge.run(
            create,
            on_result=self._created,
            on_error=self._failed,
            what=f"create cluster {spec.cluster_name}",
        )

    def _created(self, cluster_id: str) -> None:
        self._in_flight = False
        self.created_id = cluster_id
        self.force.value = False
        self._show_outcome(
            "ok",
            f"✓ Created {self.last_operation.target if self.last_operation else ''}: "
            f"id {cluster_id}. It is provisioning now; the cluster table follows it.",
        )
        self.revalidate()

    def _failed(self, exc: BaseException) -> None:
        self._in_flight = False
        fields: Mapping[str, str] = getattr(exc, "field_errors", None) or {}
        self._api_errors = dict(precise_field(f, m) for f, m in fields.items())
        message = errors_message(exc)
        if isinstance(exc, errors.CreateNotConfirmedError):
            self._show_outcome("error", f"✖ Not created: {message}")
        elif isinstance(exc, errors.ValidationError):
            self._show_outcome("error", f"✖ Not sent: {message}")
        else:
            self._show_outcome("error", f"✖ Not created: {message}")
        self.revalidate()

    def show_error(self, message: str) -> None:
        """Errors of the form's own work that have no better place."""
        self._show_outcome("error", f"✖ {message}")

    def _show_outcome(self, tone: str, text: str) -> None:
        self.outcome_text = text
        self.outcome.value = outcome_html(tone, text)

    def _on_service_event(self, event: ServiceEvent) -> None:
        # Engine thread: copy what we need, hand the copies over.
        if event.rows:
            self._push_names(frozenset(r.name for r in self.session.rows()))
        op = event.operation
        if op is not None and op.owner == self.owner and op.action == "create":
            snapshot = replace(op, field_errors=dict(op.field_errors))
            self.bridge.deliver(lambda: self._show_operation(snapshot))

    def _names_changed(self, names: frozenset[str]) -> None:
        if names != self._names:
            self._names = names
            self.revalidate()

    def _show_operation(self, op: Operation) -> None:
        self.last_operation = op
        if not self._in_flight:
            return
        if op.state is OperationState.SENT:
            self._show_outcome("busy", f"◑ Sent: waiting for the API to answer about {op.target}…")
        elif op.state is OperationState.RECONCILING:
            self._show_outcome(
                "warn",
                f"⟳ Reconciling… The API's answer was lost; looking for a cluster named "
                f"{op.target} before deciding (nothing is sent twice).",
            )


def errors_message(exc: BaseException) -> str:
    """A person-readable message for any exception of a create."""
    if isinstance(exc, errors.InstaError):
        return str(exc.message)
    return f"unexpected error ({type(exc).__name__})"
