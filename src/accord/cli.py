"""The ``accord`` command: a thin click front end; each command lives in `accord.commands`."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from accord import __version__
from accord.errors import AccordError

FORMATS = click.Choice(["text", "json", "sarif", "junit", "github", "markdown"])
SIMPLE_FORMATS = click.Choice(["text", "json"])


_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}

if TYPE_CHECKING:  # click < 8.2 has no generic ParamType at run time
    _FloatParam = click.ParamType[float]
else:
    _FloatParam = click.ParamType


class Duration(_FloatParam):
    """Seconds, as ``90``, ``1.5``, ``500ms``, ``30s``, ``10m`` or ``1h``; more than 0."""

    name = "duration"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        if isinstance(value, int | float):
            seconds = float(value)
        else:
            text = str(value).strip()
            unit = next((u for u in ("ms", "s", "m", "h") if text.endswith(u)), "")
            try:
                seconds = float(text[:len(text) - len(unit)]) * _SECONDS.get(unit, 1.0)
            except ValueError:
                self.fail(f"{value!r} is not a duration: write e.g. 90, 30s, 10m or 1h",
                          param, ctx)
        if not seconds > 0:
            self.fail(f"{value!r}: a duration is more than 0", param, ctx)
        return seconds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="accord")
def cli() -> None:
    """Keep the contracts between event producers and consumers honest."""


@cli.command("init")
@click.argument("folder", default=".", type=click.Path(file_okay=False))
def init_command(folder: str) -> int:
    """Start a project: an example contract, the policy, the config and a pre-commit hook."""
    from accord.commands import init

    return init.run(folder)


@cli.command("lint")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def lint_command(paths: tuple[str, ...], fmt: str) -> int:
    """Run the governance rules on the registry, or on files in it."""
    from accord.commands import lint

    return lint.run(paths, fmt)


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--base", "base", metavar="REF",
              help="Also enforce the rules of change against this git ref (e.g. origin/main).")
@click.option("--hook", is_flag=True,
              help="Pre-commit mode: also check what the index deletes or renames, and each "
              "file in its own registry (config found by walking up from the file).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def check_command(paths: tuple[str, ...], base: str | None, hook: bool, fmt: str) -> int:
    """The CI and pre-commit gate: lint, version chains, and changes since --base."""
    from accord.commands import check

    return check.run(paths, base, fmt, hook)


@cli.command("compat")
@click.argument("old")
@click.argument("new")
@click.option("--mode", type=click.Choice(["NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD",
              "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"], case_sensitive=False),
              help="Default: the contract's level for two versions of one contract, else "
              "BACKWARD.")
@click.option("--undeclared-properties", "undeclared",
              type=click.Choice(["strict", "assume-absent"]),
              help="Default: the policy's setting (strict).")
@click.option("--format", "fmt", type=SIMPLE_FORMATS, default="text", show_default=True)
def compat_command(old: str, new: str, mode: str | None, undeclared: str | None,
                   fmt: str) -> int:
    """Is NEW compatible with OLD? Schema files, or CONTRACT.yaml@VERSION."""
    from accord.commands import compat

    return compat.run(old, new, mode, undeclared, fmt)


@cli.command("diff")
@click.argument("event")
@click.argument("versions", nargs=-1, type=int)
@click.option("--format", "fmt", type=SIMPLE_FORMATS, default="text", show_default=True)
def diff_command(event: str, versions: tuple[int, ...], fmt: str) -> int:
    """What changed between two versions of EVENT (a name or a contract file)."""
    from accord.commands import diff

    if len(versions) not in (0, 2):
        raise click.UsageError("give two versions, or none for the last two")
    v1, v2 = versions if versions else (None, None)
    return diff.run(event, v1, v2, fmt)


@cli.group("export")
def export_group() -> None:
    """Describe the registry in other formats."""


@export_group.command("asyncapi")
@click.option("--service", help="Only what this service sends and receives.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True)
def export_asyncapi_command(service: str | None, out: str | None, fmt: str) -> int:
    """An AsyncAPI 3.0.0 document of the registry, or of one service's view of it."""
    from accord.commands import interop

    return interop.export(service, out, fmt)


@cli.group("import")
def import_group() -> None:
    """Create contracts from other formats."""


@import_group.command("asyncapi")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--into", type=click.Path(file_okay=False),
              help="The registry folder to write into (default: the configured registry).")
@click.option("--domain", help="Domain for events whose name does not say (default: from "
              "the channel address).")
@click.option("--owner", help="Owner for contracts whose document names none.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.option("--refs-root", type=click.Path(file_okay=False),
              help="The folder `$ref`s to other files may reach (default: the current "
                   "folder, or the document's own when it lies outside it).")
def import_asyncapi_command(file: str, into: str | None, domain: str | None, owner: str | None,
                            force: bool, refs_root: str | None) -> int:
    """Contract files from an AsyncAPI 2.x or 3.x document (2.0 to 2.6, 3.0, 3.1)."""
    from accord.commands import interop

    return interop.import_(file, into, domain, owner, force, refs_root)


@cli.command("verify")
@click.option("--base", "base", metavar="REF",
              help="Check only what changed since this git ref (e.g. origin/main).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def verify_command(base: str | None, fmt: str) -> int:
    """Consumer expectation files (from the pytest plugin) against the registry."""
    from accord.commands import verify

    return verify.run(base, fmt)


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
def rules_command(fmt: str) -> int:
    """List the lint rules, with the severity the policy gives each."""
    from accord.commands import rules

    return rules.run(fmt)


@cli.group("docs")
def docs_group() -> None:
    """The documentation site of the registry, built with MkDocs."""


@docs_group.command("build")
@click.option("--out", "out", metavar="DIR", help="Where to write the site (default: "
              "build/docs, or the project's site_dir with --config-file).")
@click.option("--strict", is_flag=True, help="Fail on any MkDocs warning (e.g. a broken link).")
@click.option("-f", "--config-file", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="Build this MkDocs project instead of a catalog-only site.")
@click.option("--since", metavar="REF", help="The Atom feed (feed.xml) lists only versions "
              "committed after this git ref (e.g. the last release's tag).")
def docs_build(out: str | None, strict: bool, config_file: str | None,
               since: str | None) -> int:
    """Build the static site: the event catalog, with search, flow graphs, changelogs and
    an Atom feed of recent changes."""
    from accord.commands import docs

    return docs.build(out, strict, config_file, since)


@docs_group.command("serve")
@click.option("-a", "--dev-addr", "dev_addr", default="127.0.0.1:8000", show_default=True,
              metavar="IP:PORT")
@click.option("-f", "--config-file", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="Serve this MkDocs project instead of a catalog-only site.")
def docs_serve(dev_addr: str, config_file: str | None) -> int:
    """Serve the site locally; it rebuilds when a contract changes."""
    from accord.commands import docs

    return docs.serve(dev_addr, config_file)


@cli.group("gen")
def gen_group() -> None:
    """Generate typed event classes from the registry."""


@gen_group.command("python")
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Folder the package goes into (the package is a subfolder).")
@click.option("--package", default="events", show_default=True, help="Package name.")
@click.option("--style", type=click.Choice(["dataclasses", "pydantic"]), default="dataclasses",
              show_default=True,
              help="dataclasses: standard library only; pydantic: pydantic v2 models.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 and list the files that are stale.")
def gen_python(out: str, package: str, style: str, check: bool) -> int:
    """Python classes: one module per domain, shared types once, exact checks."""
    from accord.commands import gen

    return gen.run(out, package, style, check)


@cli.group("sim")
def sim_group() -> None:
    """Simulate producers and consumers through a broker (embedded or real), with faults."""


@sim_group.command("run")
@click.argument("scenario", default=None, required=False, type=click.Path(dir_okay=False))
@click.option("--seed", type=int, help="Override the scenario's seed.")
@click.option("--events", type=click.IntRange(min=1), help="Override the number of events.")
@click.option("--format", "fmt", type=SIMPLE_FORMATS, default="text", show_default=True)
@click.option("--repro", type=click.Path(dir_okay=False),
              help="Where a violation's shrunk reproducer goes (default: "
              "SCENARIO.repro.yaml).")
@click.option("--html", type=click.Path(dir_okay=False),
              help="Also write a page with latency and lag plotted over the run's time.")
@click.option("--broker", default="embedded", show_default=True, metavar="URL",
              help="Run on a real engine in real time: nats://HOST:PORT, "
              "redis://HOST:PORT/DB or kafka://HOST:PORT[,HOST:PORT].")
@click.option("--keep-log", is_flag=True,
              help="Keep every record and event of the run (memory grows with it); by "
              "default a run keeps summaries.")
def sim_run(scenario: str | None, seed: int | None, events: int | None, fmt: str,
            repro: str | None, html: str | None, broker: str, keep_log: bool) -> int:
    """Run SCENARIO (default: scenarios/shop.yaml); exit 1 on a broken invariant or SLO,
    with a shrunk reproducer.

    On a real engine (--broker) the run takes real time, reports the invariants the engine
    cannot support, and exits 2 if the engine goes away mid-run.
    """
    from accord.commands import sim

    return sim.run(scenario, seed, events, fmt, repro, html, broker, keep_log)


@sim_group.command("replay")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=SIMPLE_FORMATS, default="text", show_default=True)
def sim_replay(file: str, fmt: str) -> int:
    """Re-run a reproducer's events and faults exactly."""
    from accord.commands import sim

    return sim.replay(file, fmt)


@cli.command("tap")
@click.option("--broker", required=True, metavar="URL",
              help="nats://HOST:PORT, redis://HOST:PORT/DB or kafka://HOST:PORT[,HOST:PORT].")
@click.option("--channel", required=True, metavar="NAME",
              help="Subject, stream or topic to read.")
@click.option("--group", metavar="G",
              help="Consumer group to read in (default: a group of its own, removed after).")
@click.option("--format", "fmt", type=SIMPLE_FORMATS, default="text", show_default=True)
@click.option("--max-events", type=click.IntRange(min=1), help="Stop after N events.")
@click.option("--duration", type=Duration(), metavar="S",
              help="Stop after S (seconds, or 30s, 10m, 1h).")
@click.option("--from", "start", default="latest", show_default=True, metavar="WHERE",
              help="Where to read from: latest, earliest, an offset (Kafka offset, NATS "
                   "stream sequence) or a time (2026-12-05T10:00:00Z).")
@click.option("--schema-registry", metavar="URL",
              help="Name wire-format schema ids through this Schema Registry (default: the "
                   "ids `accord registry serve` gives this registry).")
def tap_command(broker: str, channel: str, group: str | None, fmt: str, max_events: int | None,
                duration: float | None, start: str, schema_registry: str | None) -> int:
    """Validate live traffic against the contracts; exit 1 if anything was invalid."""
    from accord.commands import tap

    return tap.run(broker, channel, group, fmt, max_events, duration, start.strip(),
                   schema_registry)


@cli.group("registry")
def registry_group() -> None:
    """The registry over Confluent Schema Registry's REST API, for serializers at run time."""


_SUBJECTS = click.Choice(["topic", "record", "topic-record"])


@registry_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8081, show_default=True)
@click.option("--ref", metavar="REF", help="Serve the registry as of this git ref "
              "(default: the work tree).")
@click.option("--subjects", type=_SUBJECTS, default="topic", show_default=True,
              help="Subject naming: topic (<channel>-value, Confluent's default), record "
              "(the event name) or topic-record (<channel>-<event>).")
def registry_serve(host: str, port: int, ref: str | None, subjects: str) -> int:
    """Serve the registry read-only over the Schema Registry API until Ctrl-C."""
    from accord.commands import registry

    return registry.serve(host, port, ref, subjects)


@registry_group.command("ids")
@click.option("--ref", metavar="REF", help="The registry as of this git ref.")
@click.option("--subjects", type=_SUBJECTS, default="topic", show_default=True)
@click.option("--format", "fmt", type=SIMPLE_FORMATS, default="text", show_default=True)
def registry_ids(ref: str | None, subjects: str, fmt: str) -> int:
    """The wire-format schema id of every (event, version)."""
    from accord.commands import registry

    return registry.ids(ref, subjects, fmt)


@cli.group("schema")
def schema_group() -> None:
    """Print Accord's own JSON Schemas, for editors (yaml-language-server)."""


@schema_group.command("contract")
def schema_contract() -> int:
    """The JSON Schema of a contract file."""
    from accord.registry import contract_schema

    click.echo(json.dumps(contract_schema(), indent=2))
    return 0


@schema_group.command("scenario")
def schema_scenario() -> int:
    """The JSON Schema of a simulator scenario file."""
    from accord.sim.scenario import scenario_schema

    click.echo(json.dumps(scenario_schema(), indent=2))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI: AccordError is a clean message and exit 2; usage errors exit 2."""
    # A registry is many small containers built at once and kept: the default thresholds
    # rescan them over and over (about 10% of a large lint). Collect less often.
    gc.set_threshold(100_000, 50, 1_000)
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="accord",
            standalone_mode=False,
        )
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
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
