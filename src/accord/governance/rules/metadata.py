"""Rules on what a contract says about its event: name, owner, channel, services."""

from __future__ import annotations

import re
from collections.abc import Iterable

from accord.governance.rules.base import Context, Issue, Rule
from accord.registry.model import Contract
from accord.validation import regex

_PASCAL = re.compile(r"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$")
_DOMAIN = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_KEBAB = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# Past participles that do not end in -ed; a name ending in one of these reads as a fact.
_IRREGULAR = (
    "Sent", "Paid", "Built", "Made", "Sold", "Lost", "Won", "Held", "Left", "Set", "Put",
    "Read", "Run", "Begun", "Done", "Given", "Taken", "Written", "Chosen", "Frozen", "Shown",
    "Known", "Seen", "Found", "Bought", "Brought", "Caught", "Kept", "Met", "Split", "Spent",
    "Shut", "Reset", "Upheld", "Withdrawn", "Overridden", "Rebuilt", "Resent", "Undone",
)  # fmt: skip


def snake(name: str) -> str:
    """OrderPlaced -> order_placed; HTTPRequestSent -> http_request_sent."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


class EventName(Rule):
    id = "event-name"
    summary = "Events are named <domain>.<PascalCase>, in <domain>/<snake_case>.yaml."
    description = (
        "A predictable name makes an event findable from its file and its file from its "
        "name. The domain is the folder the file lives in; the file name is the snake_case "
        "form of the PascalCase name: `orders.OrderPlaced` lives in `orders/order_placed.yaml`."
    )

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        domain, name = contract.domain, contract.name
        if not _DOMAIN.match(domain):
            yield Issue(f"domain {domain!r} is not lower snake_case", "/event")
        if not _PASCAL.match(name):
            yield Issue(f"event name {name!r} is not PascalCase", "/event")
            return
        expected = f"{domain}/{snake(name)}.yaml"
        if not contract.path.endswith(expected):
            yield Issue(
                f"{contract.event} should live in {expected}, not {contract.path}",
                "/event",
                fix=f"rename the file to {expected}",
            )


class EventPastTense(Rule):
    id = "event-past-tense"
    severity = "warning"
    summary = "An event states a fact that happened: name it in the past tense."
    description = (
        "Events are facts (`OrderPlaced`), not commands (`PlaceOrder`). A name that ends in "
        "a past participle reads as a fact and keeps commands out of the event catalog."
    )

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        name = contract.name
        if name.endswith("ed") or name.endswith(_IRREGULAR):
            return
        yield Issue(
            f"event name {name!r} does not read as past tense",
            "/event",
            fix="name what happened, e.g. OrderPlaced rather than PlaceOrder",
        )


class _Present(Rule):
    field: str

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        value = getattr(contract, self.field)
        if not value or (isinstance(value, str) and not value.strip()):
            yield Issue(f"{self.field} is missing", "", fix=f"add `{self.field}:` to the file")


class OwnerPresent(_Present):
    id = "owner-present"
    field = "owner"
    summary = "Every event has an owning team to ask and to page."
    description = "The owner approves changes to the contract and answers for its data."


class SummaryPresent(_Present):
    id = "summary-present"
    field = "summary"
    summary = "Every event has a one-sentence summary for the catalog."
    description = "The summary is what the documentation site and `accord diff` show first."


class ProducersPresent(_Present):
    id = "producers-present"
    field = "producers"
    summary = "Every event names the services that publish it."
    description = "Without producers nobody can be asked to verify a change to the contract."


class ConsumersPresent(_Present):
    id = "consumers-present"
    severity = "warning"
    field = "consumers"
    summary = "Every event names the services that consume it."
    description = (
        "Consumers are who a breaking change hurts; listing them makes the impact of a change "
        "visible in review and on the site."
    )


class ServiceNames(Rule):
    id = "service-name"
    summary = "Producers and consumers are kebab-case service names."
    description = "One spelling per service lets the site join producers to consumers."

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        for role in ("producers", "consumers"):
            for i, service in enumerate(getattr(contract, role)):
                if not _KEBAB.match(service):
                    yield Issue(f"service {service!r} is not kebab-case", f"/{role}/{i}")


class ChannelName(Rule):
    id = "channel-name"
    summary = "Channels follow the policy's naming convention."
    description = (
        "The policy's `naming.channel_pattern` (default: lower-case words joined by dots or "
        "dashes) keeps topic, stream and subject names portable across brokers."
    )

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        if contract.channel is None:
            yield Issue("channel is missing", "", fix="add `channel:` (the topic or stream)")
        elif not regex.search(ctx.policy.channel_pattern, contract.channel):
            yield Issue(
                f"channel {contract.channel!r} does not match {ctx.policy.channel_pattern}",
                "/channel",
            )
