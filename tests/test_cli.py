from accord import __version__
from accord.cli import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"accord, version {__version__}\n"
