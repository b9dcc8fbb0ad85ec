"""`finlocal train`: the distillation commands (need ``pip install 'finlocal[train]'``)."""

from __future__ import annotations

import click

from finlocal.cli.train_cv import cv
from finlocal.cli.train_fit import fit
from finlocal.cli.train_label import label
from finlocal.cli.train_teach import teach


@click.group("train")
def command() -> None:
    """Label text with teachers and fit the student (needs finlocal[train])."""


command.add_command(label)
command.add_command(fit)
command.add_command(cv)
command.add_command(teach)
