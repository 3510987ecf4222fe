"""The ``accord`` command: a thin click front end over the library."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from accord import __version__
from accord.errors import AccordError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="accord")
def cli() -> None:
    """Keep the contracts between event producers and consumers honest."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; map AccordError to a clean message and exit 2."""
    try:
        cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except AccordError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
