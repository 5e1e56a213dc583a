"""What a v2 product form shows, read off the product spec types (no behaviour here).

Each product spec of :mod:`insta_nb.products` is a frozen dataclass; its plain fields
(``str``, ``int``, ``bool``, optionally ``None``) become one control each, its nested
dataclasses (a data centre, Kafka's dedicated ZooKeeper, OpenSearch's data nodes) a
group of controls. A field added to a spec therefore appears in the form with no UI
code. Fields the form cannot offer as one control (``extra``, OpenSearch dashboards)
keep their defaults.

Which API field a control fills is asked of the backend, not spelled here: changing
one value and comparing :meth:`Session.preview_create` bodies names the keys it feeds,
so the backend's messages (``dataCentres[0].numberOfNodes``) land next to it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from insta_nb.products import Product, ProductClusterSpec
from insta_nb.widgets._form_fields import flatten

__all__ = [
    "LABELS",
    "SpecField",
    "SpecGroup",
    "SpecLayout",
    "api_keys",
    "build_spec",
    "layout_of",
    "product_specs",
    "start_spec",
]

#: How each product is named in the picker.
LABELS = {
    Product.CASSANDRA: "Cassandra",
    Product.KAFKA: "Kafka",
    Product.REDIS: "Redis",
    Product.POSTGRESQL: "PostgreSQL",
    Product.OPENSEARCH: "OpenSearch",
}

#: Starting values of required fields with no default (the developer sizes of the
#: facts' examples: the cheapest a user can try). Anything else starts at its default.
_COMMON_START: dict[str, Any] = {
    "data_centres.name": "AWS_VPC_US_EAST_1",
    "data_centres.region": "US_EAST_1",
    "data_centres.network": "10.0.0.0/16",
    "data_centres.number_of_nodes": 3,
    "data_centres.master_nodes": 3,
    "dedicated_zookeeper.node_count": 3,
    "data_nodes.node_count": 3,
}
_PRODUCT_START: dict[Product, dict[str, Any]] = {
    Product.CASSANDRA: {"version": "4.1.3", "data_centres.node_size": "CAS-DEV-t4g.small-30"},
    Product.KAFKA: {
        "version": "3.5.1",
        "data_centres.node_size": "KFK-DEV-t4g.small-5",
        "dedicated_zookeeper.node_size": "KDZ-DEV-t4g.small-30",
    },
    Product.REDIS: {"version": "7.0.12", "data_centres.node_size": "t3.small-20-r"},
    Product.POSTGRESQL: {
        "version": "15.4.0",
        "data_centres.node_size": "PGS-DEV-t4g.small-5",
        "data_centres.number_of_nodes": 2,
    },
    Product.OPENSEARCH: {
        "version": "2.7.0",
        "cluster_manager_node_size": "SRH-DM-DEV-t4g.small-5",
        "data_nodes.node_size": "SRH-DEV-t4g.small-5",
    },
}
#: Optional groups a new form starts with (OpenSearch without data nodes holds no data).
_GROUPS_ON = {(Product.OPENSEARCH, "data_nodes")}
_PLAIN = (str, int, bool)


@dataclass(frozen=True)
class SpecField:
    """One control: a plain field of the spec, or of one of its nested parts."""

    #: Attribute names from the cluster spec down, e.g. ``("data_centres", "node_size")``.
    path: tuple[str, ...]
    kind: type
    #: ``None`` is allowed: an empty box leaves it to the API.
    optional: bool
    start: Any

    @property
    def key(self) -> str:
        return ".".join(self.path)

    @property
    def group(self) -> str | None:
        return self.path[0] if len(self.path) > 1 else None

    @property
    def label(self) -> str:
        if self.path == ("name",):
            return "Cluster name"  # the data centre has a name too
        words = self.path[-1].replace("_", " ").capitalize()
        return words.replace("Sla ", "SLA ").replace("Pci ", "PCI ")


@dataclass(frozen=True)
class SpecGroup:
    """A nested part of the spec: a data centre, dedicated ZooKeeper nodes…"""

    attr: str
    kind: type
    #: A tuple of parts on the spec; the form sends one.
    many: bool
    #: May be left out (``None`` or an empty tuple); a checkbox turns it on.
    optional: bool
    start_on: bool

    @property
    def label(self) -> str:
        return self.attr.replace("_", " ").capitalize()


@dataclass(frozen=True)
class SpecLayout:
    """A product's controls, in the spec's field order (groups where they are declared)."""

    product: Product
    spec_type: type[ProductClusterSpec]
    #: Cluster fields and groups in order: a :class:`SpecField` or a :class:`SpecGroup`.
    items: tuple[SpecField | SpecGroup, ...]
    fields: tuple[SpecField, ...]

    def fields_of(self, group: str) -> list[SpecField]:
        return [f for f in self.fields if f.group == group]

    @property
    def groups(self) -> list[SpecGroup]:
        return [i for i in self.items if isinstance(i, SpecGroup)]


def product_specs() -> dict[Product, type[ProductClusterSpec]]:
    """Every product spec type, by product (a new subclass is offered as it is)."""
    found: dict[Product, type[ProductClusterSpec]] = {}
    for cls in ProductClusterSpec.__subclasses__():
        default = next(f.default for f in dataclasses.fields(cls) if f.name == "product")
        if isinstance(default, Product):
            found[default] = cls
    return {p: found[p] for p in Product if p in found}


def _unwrap(hint: Any) -> tuple[Any, bool]:
    """``(type without None, whether None is allowed)``."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return (args[0] if len(args) == 1 else hint), len(args) < len(typing.get_args(hint))
    return hint, False


def _plain_fields(cls: type, prefix: tuple[str, ...], starts: Mapping[str, Any]) -> list[SpecField]:
    out = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        kind, optional = _unwrap(hints[f.name])
        if not f.init or kind not in _PLAIN:
            continue
        path = (*prefix, f.name)
        key = ".".join(path)
        if key in starts:
            start = starts[key]
        elif f.default is not dataclasses.MISSING:
            start = f.default
        else:
            start = {str: "", int: 1, bool: False}[kind]
        out.append(SpecField(path, kind, optional, start))
    return out


def layout_of(product: Product, spec_type: type[ProductClusterSpec]) -> SpecLayout:
    """The controls of ``spec_type``, read off its dataclass fields and type hints."""
    starts = _COMMON_START | _PRODUCT_START.get(product, {})
    plain = {f.path[0]: f for f in _plain_fields(spec_type, (), starts)}
    items: list[SpecField | SpecGroup] = []
    fields: list[SpecField] = []
    hints = typing.get_type_hints(spec_type)
    for f in dataclasses.fields(spec_type):
        if f.name in plain:
            items.append(plain[f.name])
            fields.append(plain[f.name])
            continue
        kind, optional = _unwrap(hints[f.name])
        many = typing.get_origin(kind) is tuple
        part = typing.get_args(kind)[0] if many else kind
        if not f.init or not dataclasses.is_dataclass(part) or not isinstance(part, type):
            continue  # e.g. ``extra``: sent as given, not a control
        optional = optional or (many and f.default == ())
        on = not optional or (product, f.name) in _GROUPS_ON
        items.append(SpecGroup(f.name, part, many, optional, on))
        fields += _plain_fields(part, (f.name,), starts)
    return SpecLayout(product, spec_type, tuple(items), tuple(fields))


def build_spec(
    layout: SpecLayout, values: Mapping[str, Any], enabled: Mapping[str, bool]
) -> ProductClusterSpec:
    """The spec the values describe (maybe invalid: the backend says what is wrong).

    Raises:
        TypeError: When the values cannot make the dataclasses at all.
    """
    kwargs: dict[str, Any] = {f.path[0]: values[f.key] for f in layout.fields if not f.group}
    for group in layout.groups:
        if group.optional and not enabled.get(group.attr, False):
            kwargs[group.attr] = () if group.many else None
            continue
        part = group.kind(**{f.path[1]: values[f.key] for f in layout.fields_of(group.attr)})
        kwargs[group.attr] = (part,) if group.many else part
    return layout.spec_type(**kwargs)


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 7
    if value is None:
        return 7
    return f"{value}~"


def api_keys(
    layout: SpecLayout, preview: Callable[[ProductClusterSpec], Mapping[str, Any]]
) -> dict[str, tuple[str, ...]]:
    """``{field key: API fields it fills}``, by changing one value at a time.

    ``preview`` is the session's :meth:`~insta_nb.session.Session.preview_create`.
    """
    values = {f.key: f.start for f in layout.fields}
    on = {g.attr: True for g in layout.groups}
    base = flatten(preview(build_spec(layout, values, on)))
    out: dict[str, tuple[str, ...]] = {}
    for f in layout.fields:
        body = flatten(preview(build_spec(layout, values | {f.key: _changed(f.start)}, on)))
        out[f.key] = tuple(k for k in body.keys() | base.keys() if body.get(k) != base.get(k))
    return out


def start_spec(layout: SpecLayout) -> ProductClusterSpec:
    """The spec a new form shows (its name still empty)."""
    values = {f.key: f.start for f in layout.fields}
    return build_spec(layout, values, {g.attr: g.start_on for g in layout.groups})
