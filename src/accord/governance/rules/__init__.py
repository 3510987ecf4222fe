"""The lint rule catalog: built-in rules, and how third-party rules are found."""

from accord.governance.rules.base import Context, Issue, Rule, SchemaDoc, walk
from accord.governance.rules.ids import SchemaIdUnique
from accord.governance.rules.keywords import PatternSupported, UnknownKeyword, Yaml11Ambiguous
from accord.governance.rules.metadata import (
    ChannelName,
    ConsumersPresent,
    EventName,
    EventPastTense,
    OwnerPresent,
    ProducersPresent,
    ServiceNames,
    SummaryPresent,
)
from accord.governance.rules.schemas import (
    EnumUnique,
    FieldCase,
    NoRemoteRef,
    OpenContentReason,
    PortablePattern,
    PropertyDescription,
    RequiredDeclared,
)
from accord.governance.rules.versions import (
    DeprecationDates,
    ExamplesPresent,
    ExamplesValid,
    KeyRequired,
    LatestActive,
    RootObject,
    VersionsConsecutive,
)

BUILTIN: tuple[type[Rule], ...] = (
    EventName,
    EventPastTense,
    OwnerPresent,
    SummaryPresent,
    ProducersPresent,
    ConsumersPresent,
    ServiceNames,
    ChannelName,
    VersionsConsecutive,
    DeprecationDates,
    LatestActive,
    RootObject,
    KeyRequired,
    ExamplesValid,
    ExamplesPresent,
    FieldCase,
    PropertyDescription,
    OpenContentReason,
    RequiredDeclared,
    EnumUnique,
    PortablePattern,
    NoRemoteRef,
    SchemaIdUnique,
    UnknownKeyword,
    Yaml11Ambiguous,
    PatternSupported,
)

__all__ = ["BUILTIN", "Context", "Issue", "Rule", "SchemaDoc", "walk"]
