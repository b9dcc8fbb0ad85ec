"""The README and docs cannot drift from the CLI: every ``finlocal …`` command they show (in shell
blocks, in inline code and in the headings of the option tables) names commands and options that
exist, and every option an option table lists exists with the choices it states.

The command tree is click's own (`finlocal.cli.cli`), so a renamed or removed option or command
fails here, not in a reader's terminal."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from finlocal.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_SHELL_BLOCK = re.compile(r"^```(?:bash|console|sh|shell)\n(.*?)^```", re.S | re.M)
_INLINE = re.compile(r"`(finlocal(?: [^`]*)?)`")
_PLACEHOLDER = re.compile(r"^(\.\.\.|…|\[.*|<.*|[A-Z][A-Z0-9_.]*(\.\.\.)?)$")


def _shell_commands(markdown: str) -> Iterator[tuple[int, str]]:
    """(line, command) for each command of the shell blocks: continuations joined, prompts and
    comments dropped, a console block's output lines skipped."""
    for block in _SHELL_BLOCK.finditer(markdown):
        first = markdown.count("\n", 0, block.start(1)) + 1
        console = markdown[block.start() : block.start(1)].startswith("```console")
        pending, start = "", first
        for offset, line in enumerate(block.group(1).splitlines()):
            if not pending:
                start = first + offset
                if console:
                    if not line.startswith("$ "):
                        continue
                    line = line[2:]
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            yield start, pending + line
            pending = ""


def _finlocal_invocations(command: str) -> Iterator[list[str]]:
    """The argument lists after each ``finlocal`` word of a shell command line."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    tokens = list(lexer)
    for i, token in enumerate(tokens):
        if token == "finlocal" and (i == 0 or tokens[i - 1] in {"|", "&&", ";", "||"}):
            args = []
            for arg in tokens[i + 1 :]:
                if arg in {"|", "&&", ";", "||", ">", "<"}:
                    break
                args.append(arg)
            yield args


def _option(command: click.Command, name: str) -> click.Parameter | None:
    ctx = click.Context(command, info_name=command.name)
    return next((p for p in command.get_params(ctx) if name in (*p.opts, *p.secondary_opts)), None)


def check_invocation(args: list[str]) -> list[str]:
    """What in ``finlocal ARGS`` the CLI does not know (an empty list when it all exists)."""
    problems: list[str] = []
    command: click.Command = cli
    path = ["finlocal"]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-") and arg not in {"-", "--"}:
            name = arg.split("=", 1)[0]
            option = _option(command, name)
            if option is None:
                problems.append(f"{' '.join(path)} has no option {name}")
            elif isinstance(option, click.Option) and not option.is_flag and "=" not in arg and option.nargs == 1:
                i += 1  # its value
        elif isinstance(command, click.Group):
            sub = command.commands.get(arg)
            if sub is not None:
                command = sub
                path.append(arg)
            elif not _PLACEHOLDER.match(arg):
                problems.append(f"{' '.join(path)} has no command {arg!r}")
                break
        i += 1
    return problems


def _table_rows(markdown: str) -> Iterator[tuple[int, list[str], str]]:
    """(line, command words, first cell) of each option table row under a heading that names a
    ``finlocal`` command."""
    command: list[str] | None = None
    for number, line in enumerate(markdown.splitlines(), 1):
        if line.startswith("### "):
            named = _INLINE.search(line)
            command = shlex.split(named.group(1))[1:] if named else None
        elif command is not None and line.startswith("| `-"):
            yield number, command, line[1:].split(" | ", 1)[0]


def check_table_row(command_words: list[str], cell: str) -> list[str]:
    """Problems with one option table cell: options the command lacks, or stated choices that
    are not the option's."""
    command: click.Command = cli
    for word in command_words:
        if not isinstance(command, click.Group) or word not in command.commands:
            break
        command = command.commands[word]
    problems = []
    for span in re.findall(r"`([^`]+)`", cell.replace("\\|", "\x00")):
        name, _, value = span.partition(" ")
        option = _option(command, name)
        if option is None:
            problems.append(f"{command.name} has no option {name}")
            continue
        stated = value.split("\x00")
        if len(stated) > 1 and isinstance(option.type, click.Choice):
            choices = sorted(str(c) for c in option.type.choices)
            if sorted(stated) != choices:
                problems.append(f"{command.name} {name}: the table says {'|'.join(stated)}, the CLI takes {choices}")
    return problems


def _cases() -> Iterator[object]:
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        name = doc.relative_to(ROOT)
        for line, command in _shell_commands(text):
            for args in _finlocal_invocations(command):
                yield pytest.param(args, id=f"{name}:{line}")
        for number, line in enumerate(text.splitlines(), 1):
            for span in _INLINE.findall(line):
                yield pytest.param(span.split()[1:], id=f"{name}:{number}:inline")


@pytest.mark.parametrize("args", list(_cases()))
def test_documented_commands_exist(args: list[str]) -> None:
    assert check_invocation(args) == []


@pytest.mark.parametrize(
    ("command", "cell"),
    [
        pytest.param(command, cell, id=f"{doc.relative_to(ROOT)}:{number}")
        for doc in DOCS
        for number, command, cell in _table_rows(doc.read_text(encoding="utf-8"))
    ],
)
def test_option_tables_match_the_cli(command: list[str], cell: str) -> None:
    assert check_table_row(command, cell) == []


def test_the_check_catches_drift() -> None:
    assert check_invocation(["score", "--per", "document", "-o", "x.csv", "f.txt"]) == []
    assert check_invocation(["corpus", "report", "d", "--out", "r.html"]) == []
    assert check_invocation(["score", "--no-such-option"]) == ["finlocal score has no option --no-such-option"]
    assert check_invocation(["scroe", "f.txt"]) == ["finlocal has no command 'scroe'"]
    [problem] = check_table_row(["score"], "`--format jsonl\\|csv`")
    assert problem.startswith("score --format: the table says jsonl|csv, the CLI takes")
    console = "```console\n$ finlocal score a \\\n  --quiet | head\noutput\n```\n"
    commands = [args for _, c in _shell_commands(console) for args in _finlocal_invocations(c)]
    assert commands == [["score", "a", "--quiet"]]
