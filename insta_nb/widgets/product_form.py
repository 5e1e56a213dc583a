"""The create form of a v2 session: a product picker and that product's spec fields.

The controls are read off the product spec types (:mod:`._product_fields`); every change
re-runs :meth:`Session.validate_spec` and shows each message next to the control that
fills the API field it names; Create stays disabled while anything is invalid, while a
create is in flight, or while the name is taken (in the table, or being created by any
view or cell of this session). The preview is the exact body
:meth:`Session.preview_create` says will be sent; the API's own refusals land next to
their field too. :func:`create_form_for` picks this form or the v1 :class:`CreateForm`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

import ipywidgets as w

from insta_nb import errors
from insta_nb.products import Product, ProductClusterSpec
from insta_nb.widgets._bridge import Bridge
from insta_nb.widgets._form_controls import message_widget
from insta_nb.widgets._form_html import draw_submit, outcome_html, preview_html
from insta_nb.widgets._product_controls import ProductControls
from insta_nb.widgets._product_fields import (
    LABELS,
    SpecLayout,
    api_keys,
    build_spec,
    layout_of,
    product_specs,
    start_spec,
)
from insta_nb.widgets._product_snapshot import ProductSnapshot
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.create_form import CreateForm, errors_message
from insta_nb.widgets.snapshot import TONES, SnapshotDisplay, esc

if TYPE_CHECKING:
    from insta_nb.session import ServiceEvent, Session

__all__ = ["ProductForm", "create_form_for"]

_ids = itertools.count(1)


class ProductForm(ProductSnapshot, SnapshotDisplay, w.VBox):
    """Creates one v2 cluster of a chosen product through ``session.create_cluster``.

    Args:
        session: A v2 session (``connect(api="v2")``).

    Raises:
        UsageError: The session's API creates no product specs (a v1 session).
        bridge: Share one with sibling views (the dashboard does); default: a new one.
    """

    def __init__(self, session: Session, *, bridge: Bridge | None = None) -> None:
        self._closed = True  # until built: a refused form's finaliser has nothing to close
        self.owner = f"widget:product-form:{next(_ids)}"
        # The products this session's backend creates (its validation refuses the others).
        self._specs = {
            p: cls
            for p, cls in product_specs().items()
            if "spec" not in session.validate_spec(start_spec(layout_of(p, cls)))
        }
        if not self._specs:
            raise errors.UsageError(
                f"ProductForm creates clusters from v2 product specs; this session speaks "
                f"{session.api}: use CreateForm, or dashboard(), which picks the right form"
            )
        self.session = session
        self.bridge = bridge or Bridge(session)
        self._own_bridge = bridge is None
        self._closed = False
        self._in_flight = False
        self._show_all = False
        self._problems: dict[str, str] = {}
        #: The API's refusals by its field names, until their field changes.
        self._api_errors: dict[str, str] = {}
        self._taken: frozenset[str] = _names_of(session)
        self.outcome_text = ""
        self.created_id: str | None = None
        self.product = w.Dropdown(
            options=[(LABELS.get(p, p.value), p) for p in self._specs],
            value=Product.CASSANDRA if Product.CASSANDRA in self._specs else None,
            description="Product",
            tooltip="Each product has its own create request and fields on v2",
            style={"description_width": "140px"},
            layout=w.Layout(width="400px"),
        )
        self.force = w.Checkbox(
            value=False,
            description="Create even though that name exists",
            indent=False,
            layout=w.Layout(display="none"),
        )
        self.general = message_widget()
        self.controls = ProductControls(self._on_change)
        self.submit = w.Button(
            description="Create cluster",
            icon="plus-circle",
            button_style="primary",
            disabled=True,
            layout=w.Layout(width="auto", min_width="150px", flex="0 0 auto"),
        )
        self.outcome = w.HTML(layout=w.Layout(margin="0 0 0 8px", flex="1 1 240px"))
        self.preview = w.HTML()
        self.preview_box = w.Accordion([self.preview])
        self.preview_box.selected_index = None
        title = "Create a cluster (v2)" + (" — embedded simulator" if session.is_simulated else "")
        fields = w.VBox(
            [
                self.product,
                self.controls,
                self.force,
                self.general,
                w.HBox([self.submit, self.outcome], layout=w.Layout(flex_flow="row wrap")),
            ],
            layout=w.Layout(flex="1 1 560px"),
        )
        super().__init__(
            [
                w.HTML(f"<b>{esc(title)}</b>"),
                w.HBox(
                    [fields, w.Box([self.preview_box], layout=w.Layout(flex="1 1 360px"))],
                    layout=w.Layout(flex_flow="row wrap", align_items="flex-start"),
                ),
            ]
        )
        self.add_class("insta-nb-create-form")
        self.product.observe(lambda _: self._on_product(), names="value")
        self.force.observe(lambda _: self.revalidate(), names="value")
        self.submit.on_click(self._on_submit)
        self._push_taken = self.bridge.latest(self._taken_changed)
        self._unsubscribe = self.bridge.subscribe(self._on_service_event)
        self._on_product()

    # --- the product and its fields ---------------------------------------------------

    @property
    def layout_now(self) -> SpecLayout:
        return self.controls.layout_now

    def _on_product(self) -> None:
        product: Product = self.product.value
        layout = layout_of(product, self._specs[product])
        name = self.controls.value("name") if self.controls.has_fields else ""
        self.controls.show(layout, api_keys(layout, self.session.preview_create))
        self.controls.set_value("name", name)
        self.preview_box.set_title(0, f"Request body: POST …/applications/{product.value}/…")
        self._api_errors = {}
        self.revalidate()

    def _on_change(self, key: str) -> None:
        field_of = self.controls.field_of
        self._api_errors = {a: m for a, m in self._api_errors.items() if field_of(a) != key}
        self.revalidate()

    def spec(self) -> ProductClusterSpec:
        """The product spec the form describes now (maybe invalid)."""
        return build_spec(self.layout_now, self.controls.values(), self.controls.enabled())

    # --- validation -------------------------------------------------------------------

    @property
    def problems(self) -> dict[str, str]:
        """Current messages by API field name (local validation and the API's answer)."""
        return {**self._problems, **self._api_errors}

    def revalidate(self) -> None:
        """Re-check the spec; redraw every message, the preview and the Create button."""
        if self._closed:
            return
        try:
            spec = self.spec()
            self._problems = self.session.validate_spec(spec)
            self._problems.update(self._name_taken(spec.name))
            body = json.dumps(self.session.preview_create(spec), indent=2, ensure_ascii=False)
        except Exception as exc:  # bad input must never break the form
            self._problems = {"general": f"Cannot build the request: {type(exc).__name__}"}
            body = ""
        self.preview.value = preview_html(body)
        self._draw_messages()
        self._draw_submit()

    def _name_taken(self, name: str) -> dict[str, str]:
        taken = bool(name) and name in self._taken
        self.force.layout.display = None if taken or self.force.value else "none"
        if taken and not self.force.value:
            return {"name": f"A cluster named {name!r} exists or is being created."}
        return {}

    def message_of(self, key: str) -> str:
        """The message shown next to the control of field ``key`` (``""``: none)."""
        return self.controls.message_of(key)

    def _draw_messages(self) -> None:
        general = self.controls.draw_problems(
            self._problems, self._api_errors, show_all=self._show_all
        )
        text = " · ".join(dict.fromkeys(general))
        self.general.value = (
            f'<span role="alert" style="color:{TONES["text"]};">'
            f'<span style="color:{TONES["warn"]};">⚠</span> {esc(text)}</span>'
            if text
            else ""
        )

    def _draw_submit(self) -> None:
        draw_submit(
            self.submit,
            read_only=self.session.read_only,
            in_flight=self._in_flight,
            problems=len(self._problems),
            doing="creating",
            what="create",
        )

    # --- submitting -------------------------------------------------------------------

    @property
    def in_flight(self) -> bool:
        """Whether a create sent from this form has not answered yet."""
        return self._in_flight

    def _on_submit(self, _: object = None) -> None:
        if self._in_flight or self._closed:
            return  # a second click while the first is on its way does nothing
        self._show_all = True
        self.revalidate()
        if self._problems or self.session.read_only:
            return
        spec, force = self.spec(), bool(self.force.value)
        self._in_flight = True
        self._api_errors = {}
        self.created_id = None
        self._draw_submit()
        self._show_outcome("busy", f"◔ Sending the create request for {spec.name}…")
        session, owner = self.session, self.owner

        async def create() -> str:
            if self._closed:  # closed on the way: never queue after close() cancelled
                raise errors.JobCancelledError("the form was closed before the create was sent")
            with session.owned_by(owner):
                return await session.create_cluster(spec, force=force)

        self.bridge.run(
            create,
            on_result=self._created,
            on_error=self._failed,
            what=f"create cluster {spec.name}",
        )

    def _created(self, cluster_id: str) -> None:
        self._in_flight = False
        self.created_id = cluster_id
        self._taken = self._taken | {self.spec().name}
        self.force.value = False
        self._show_outcome(
            "ok",
            f"✓ Created: id {cluster_id}. It is provisioning now; the cluster table follows it.",
        )
        self.revalidate()

    def _failed(self, exc: BaseException) -> None:
        self._in_flight = False
        fields: Mapping[str, str] = getattr(exc, "field_errors", None) or {}
        self._api_errors = dict(fields)
        prefix = "Not sent" if isinstance(exc, errors.ValidationError) else "Not created"
        self._show_outcome("error", f"✖ {prefix}: {errors_message(exc)}")
        self.revalidate()

    def show_error(self, message: str) -> None:
        """Errors of the form's own work that have no better place."""
        self._show_outcome("error", f"✖ {message}")

    def _show_outcome(self, tone: str, text: str) -> None:
        self.outcome_text = text
        self.outcome.value = outcome_html(tone, text)

    def _on_service_event(self, event: ServiceEvent) -> None:
        # Engine thread: copy the names (the table's and those being created), hand over.
        if event.rows or event.operation is not None:
            self._push_taken(_names_of(self.session))

    def _taken_changed(self, names: frozenset[str]) -> None:
        if names != self._taken:
            self._taken = names
            self.revalidate()

    def __repr__(self) -> str:
        return f"<ProductForm owner={self.owner} problems={len(self.problems)}>"

    def close(self) -> None:
        """Stop listening, cancel this form's queued requests, close every widget."""
        if self._closed:
            return
        self._closed = True
        self._unsubscribe()
        self.session.cancel_queued(self.owner)
        for child in self.children:
            close_tree(child)
        if self._own_bridge:
            self.bridge.close()
        super().close()


def _names_of(session: Session) -> frozenset[str]:
    """Names in the table and names any view or cell of the session is creating."""
    creating = {
        op.target for op in session.operations() if op.action == "create" and not op.state.finished
    }
    return frozenset({r.name for r in session.rows() if r.name} | creating)


def create_form_for(session: Session, *, bridge: Bridge | None = None) -> CreateForm | ProductForm:
    """The create form of the session's API: v1's bundles, or v2's product specs."""
    if session.api == "v2":
        return ProductForm(session, bridge=bridge)
    return CreateForm(session, bridge=bridge)
