"""The package imports and the CLI answers --help."""

from click.testing import CliRunner

from auditor.cli import main


def test_help_lists_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("extract", "check", "score", "rules", "explain"):
        assert command in result.output
