"""Names from contracts cannot collide with what Accord generates for itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.security.conftest import accord
from tests.support import MINIMAL


def _registry(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[tool.accord]\nregistry = "contracts"\n')
    files = {
        "orders/refund_issued.yaml": MINIMAL.replace("OrderPlaced", "RefundIssued"),
        "payments/refund_issued.yaml": MINIMAL.replace("orders.OrderPlaced",
                                                       "payments.RefundIssued"),
        "orders/validation_error.yaml": MINIMAL.replace("OrderPlaced", "ValidationError"),
        "index/index_changed.yaml": MINIMAL.replace("orders.OrderPlaced", "index.IndexChanged")
        .replace("channel: orders", "channel: index").replace("[order-service]", "[index]"),
    }
    for rel, text in files.items():
        (root / "contracts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "contracts" / rel).write_text(text)
    return root


def test_same_event_name_in_two_domains_and_runtime_names(tmp_path: Path) -> None:
    root = _registry(tmp_path / "p")
    assert accord(root, "gen", "python", "--out", "g", "--package", "ev").code == 0
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "ev"], cwd=root / "g",
                          capture_output=True, text=True)
    assert mypy.returncode == 0, mypy.stdout
    probe = ("import ev\n"
             "assert ev.OrdersRefundIssued.EVENT == 'orders.RefundIssued'\n"
             "assert ev.PaymentsRefundIssued.EVENT == 'payments.RefundIssued'\n"
             "assert issubclass(ev.ValidationError, Exception)\n"
             "assert ev.OrdersValidationError.EVENT == 'orders.ValidationError'\n")
    subprocess.run([sys.executable, "-c", probe], cwd=root / "g", check=True)


def test_a_service_channel_or_domain_named_index_keeps_the_list_pages(tmp_path: Path) -> None:
    root = _registry(tmp_path / "p")
    assert accord(root, "docs", "build", "--out", "site").code == 0
    # Each list page still lists everything, the thing named `index` included.
    for kind, others in (("services", "email-service"), ("channels", "orders"),
                         ("domains", "payments")):
        page = (root / "site" / kind / "index.html").read_text()
        assert others in page and "index" in page, kind
