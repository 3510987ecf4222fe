"""An example custom lint rule: events that carry personal data name a retention period.

Loaded through `plugins = ["plugins.retention_rule"]` in `[tool.accord]`; a published
package would register it under the `accord.rules` entry-point group instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from accord.governance.rules import Context, Issue, Rule
from accord.registry import Contract

# ISO 8601 durations such as P30D, P2Y or P1Y6M.
_DURATION = re.compile(r"^P(?!$)([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?$")


class PiiRetention(Rule):
    id = "pii-retention"
    severity = "error"
    summary = "Events tagged pii name a retention period (x-accord-retention: P2Y)."
    description = (
        "Personal data may only be kept as long as its purpose needs. An event tagged with "
        "the policy's `tag` option (default `pii`) must say how long consumers may keep it, "
        "as an ISO 8601 duration in `x-accord-retention`."
    )

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        tag = str(ctx.options.get("tag", "pii"))
        if tag not in contract.tags:
            return
        document = contract.document if isinstance(contract.document, dict) else {}
        retention = document.get("x-accord-retention")
        if retention is None:
            yield Issue(f"event is tagged {tag} but names no retention period", "/tags",
                        fix="add `x-accord-retention: P2Y` (an ISO 8601 duration)")
        elif not (isinstance(retention, str) and _DURATION.match(retention)):
            yield Issue(f"x-accord-retention {retention!r} is not an ISO 8601 duration",
                        "/x-accord-retention")


RULES = [PiiRetention]
