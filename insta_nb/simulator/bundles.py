"""Validation of the ``bundles`` of a create request: names, versions, add-ons, options.

Every problem is reported under the ``bundles`` field, each message saying which entry
(``bundles[1].version: ...``). Option keys this module does not know are tolerated, as
the real API tolerates them (the Terraform provider's fixtures send snake_case keys).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from insta_nb import catalog
from insta_nb.simulator.coerce import as_bool, as_int
from insta_nb.simulator.plan import BundlePlan
from insta_nb.simulator.problems import Problems, show

__all__ = ["BundleCheck", "check_bundles"]

FIELD = "bundles"

#: The API's message for a bad value of a choice option.
_CHOICE_MESSAGES = {"replicationMode": "Invalid replicationMode", "poolMode": "Invalid poolMode"}


@dataclass(frozen=True)
class BundleCheck:
    """What the bundles decide about a data centre's nodes."""

    bundles: tuple[BundlePlan, ...]
    #: Size of the rack-allocated nodes when the bundle sets it in options (OpenSearch).
    data_node_size: str | None = None
    #: Sizes of nodes beyond the rack allocation (dedicated masters, dashboards, ZooKeeper).
    extra_node_sizes: tuple[str, ...] = ()
    #: A node count fixed by options instead of a rack allocation (Redis).
    node_count: int | None = None

    @property
    def main(self) -> BundlePlan:
        """The base bundle."""
        return self.bundles[0]

    def option(self, key: str) -> bool:
        """A boolean option of the base bundle (``False`` when absent)."""
        return as_bool(self.main.options.get(key)) is True

    def has(self, name: str) -> bool:
        """Whether the cluster includes bundle ``name``."""
        return any(b.name == name for b in self.bundles)


def _entry(item: object, where: str, problems: Problems) -> BundlePlan | None:
    if not isinstance(item, dict):
        problems.add(FIELD, f"{where} must be an object with 'bundle' and 'version'")
        return None
    name = item.get("bundle")
    if not isinstance(name, str) or name not in catalog.BUNDLES:
        problems.add(FIELD, f"{where}.bundle {show(name)} is not a known bundle")
        return None
    version = item.get("version")
    normal = catalog.normalise_version(name, version) if isinstance(version, str) else None
    if normal is None:
        known = ", ".join(catalog.BUNDLES[name].versions)
        problems.add(
            FIELD, f"{where}.version {show(version)} is not available for {name} ({known})"
        )
    options = item.get("options")
    if options is None:
        options = {}
    elif not isinstance(options, dict):
        problems.add(FIELD, f"{where}.options must be an object")
        options = {}
    if normal is None:
        return None
    return BundlePlan(name, normal, str(version), options)


def _check_options(plan: BundlePlan, where: str, problems: Problems) -> None:
    options = plan.options
    for key in catalog.BOOLEAN_OPTIONS.get(plan.name, ()):
        if key in options and as_bool(options[key]) is None:
            problems.add(FIELD, f"{where}.options.{key} must be true or false")
    for key, (low, high) in catalog.INTEGER_OPTIONS.get(plan.name, {}).items():
        if key in options:
            number = as_int(options[key])
            if number is None or not low <= number <= high:
                problems.add(FIELD, f"{where}.options.{key} must be a whole number {low}–{high}")
    for key, allowed in catalog.CHOICE_OPTIONS.get(plan.name, {}).items():
        if key in options and options[key] not in allowed:
            message = _CHOICE_MESSAGES.get(key, f"must be one of {', '.join(allowed)}")
            problems.add(FIELD, f"{where}.options.{key}: {message}")


def _sized(options: Mapping[str, Any], key: str, sizes: tuple[str, ...], problems: Problems) -> str:
    value = options.get(key)
    if not isinstance(value, str) or (sizes and value not in sizes):
        problems.add(FIELD, f"bundles[0].options.{key} {show(value)} is not a node size offered")
        return ""
    return value


def _opensearch(main: BundlePlan, provider: str | None, problems: Problems) -> BundleCheck:
    options = main.options
    sizes = catalog.node_sizes(main.name, provider) if provider else ()
    master = _sized(options, "masterNodeSize", sizes, problems)
    data = master
    if options.get("dataNodeSize") is not None:
        data = _sized(options, "dataNodeSize", sizes, problems)
    dedicated = as_bool(options.get("dedicatedMasterNodes")) is True
    if not dedicated and data != master:
        problems.add(
            FIELD,
            "When 'dedicatedMasterNodes' is not true, dataNodeSize can be either null "
            "or equal to masterNodeSize.",
        )
    extra: tuple[str, ...] = (master,) * 3 if dedicated else ()
    if options.get("openSearchDashboardsNodeSize") is not None:
        extra += (_sized(options, "openSearchDashboardsNodeSize", sizes, problems),)
    return BundleCheck((main,), data_node_size=data, extra_node_sizes=extra)


def _kafka(main: BundlePlan, provider: str | None, problems: Problems) -> BundleCheck:
    options = main.options
    if as_bool(options.get("dedicatedZookeeper")) is not True:
        return BundleCheck((main,))
    size = options.get("zookeeperNodeSize")
    if not isinstance(size, str) or not size:
        problems.add(
            FIELD, "bundles[0].options.zookeeperNodeSize is required with dedicatedZookeeper"
        )
        size = ""
    count = as_int(options.get("zookeeperNodeCount", 3)) or 3
    return BundleCheck((main,), extra_node_sizes=(size,) * count)


def _redis(main: BundlePlan, provider: str | None, problems: Problems) -> BundleCheck:
    masters = as_int(main.options.get("masterNodes", 3)) or 3
    replicas = as_int(main.options.get("replicaNodes", 0)) or 0
    return BundleCheck((main,), node_count=masters + replicas)


_MAIN_RULES: dict[str, Callable[[BundlePlan, str | None, Problems], BundleCheck]] = {
    "OPENSEARCH": _opensearch,
    "KAFKA": _kafka,
    "REDIS": _redis,
}


def _check_addons(names: list[str], problems: Problems) -> None:
    base = names[0]
    if catalog.BUNDLES[base].addon_of is not None:
        problems.add(
            FIELD,
            f"the first bundle must be a base bundle ({', '.join(catalog.base_bundles())}), "
            f"not {base}",
        )
        return
    for i, name in enumerate(names[1:], start=1):
        goes_with = catalog.BUNDLES[name].addon_of
        if goes_with is None:
            problems.add(FIELD, f"bundles[{i}]: a cluster has one base bundle; {name} is another")
        elif base not in goes_with:
            problems.add(
                FIELD, f"bundles[{i}]: {name} goes with {', '.join(goes_with)}, not {base}"
            )


def check_bundles(value: object, provider: str | None, problems: Problems) -> BundleCheck | None:
    """Validate ``bundles``; ``None`` when they are unusable (the problems say why)."""
    if not isinstance(value, list) or not value:
        problems.add(FIELD, "at least one bundle is required")
        return None
    plans: list[BundlePlan] = []
    names: list[str] = []
    for i, item in enumerate(value):
        where = f"bundles[{i}]"
        name = item.get("bundle") if isinstance(item, dict) else None
        if isinstance(name, str) and name in names:
            problems.add(FIELD, f"{where}: {name} is given twice")
            continue
        plan = _entry(item, where, problems)
        if isinstance(name, str) and name in catalog.BUNDLES:
            names.append(name)
        if plan is not None:
            _check_options(plan, where, problems)
            plans.append(plan)
    if names:
        _check_addons(names, problems)
    if len(plans) != len(value) or FIELD in problems:
        return None
    main = plans[0]
    rule = _MAIN_RULES.get(main.name)
    check = rule(main, provider, problems) if rule else BundleCheck((main,))
    if main.name == "APACHE_CASSANDRA" and "SPARK" in names and check.option("clientEncryption"):
        problems.add(FIELD, "SPARK is not supported with Cassandra clientEncryption")
    if FIELD in problems:
        return None
    return BundleCheck(tuple(plans), check.data_node_size, check.extra_node_sizes, check.node_count)
