"""A command registered in `cli.LAZY_COMMANDS` is imported only when it runs or `--help`
lists it, and then behaves like any other command."""

import click
from click.testing import CliRunner

import cli


@click.command()
def probe() -> None:
    """Say that the lazy command ran."""
    click.echo("probe ran")


def test_a_lazy_command_runs_and_is_listed(monkeypatch) -> None:
    monkeypatch.setitem(cli.LAZY_COMMANDS, "probe", f"{__name__}:probe")
    runner = CliRunner()
    assert runner.invoke(cli.cli, ["probe"]).output == "probe ran\n"
    assert "probe" in runner.invoke(cli.cli, ["--help"]).output
    cli.cli.commands.pop("probe", None)
