"""`annotator server`: set up a team's store on a PostgreSQL server, and its members."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from annotator.cli.common import DbOption, fail, msg, store_location
from annotator.cli.labels_command import inherited
from annotator.core.model import annotator_name_problem
from annotator.store import SCHEMA_VERSION
from annotator.store.location import ServerAddress, parse_location
from annotator.store.team_roles import add_team_member, set_up_team

app = typer.Typer(
    help="Set up a team's store on a PostgreSQL server: its roles, rules and members.",
    no_args_is_help=True,
)


class Visibility(StrEnum):
    own = "own"
    all = "all"


class Role(StrEnum):
    annotator = "annotator"
    reviewer = "reviewer"


@app.command("init")
def init(
    url: Annotated[
        str,
        typer.Argument(metavar="URL", help="The team's database: postgresql://LEAD@host/dbname."),
    ],
    annotators_see: Annotated[
        Visibility,
        typer.Option(
            "--annotators-see",
            help="Whether annotators read only their own versions or everyone's.",
        ),
    ] = Visibility.own,
) -> None:
    """Make the database a team's store: its tables (if it has none yet), the roles
    annotators and reviewers, and the rules the server enforces. Run it as the team lead,
    who owns the tables; running it again changes nothing but --annotators-see."""
    address = _server(url)
    ran = set_up_team(address, annotators_see.value, SCHEMA_VERSION)
    _show(ran)
    msg.good(f"{address} is a team's store; add people with: annotator server add-user NAME")


@app.command("add-user")
def add_user(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="Their database user name.")],
    role: Annotated[
        Role, typer.Option("--role", help="What they may write.", case_sensitive=False)
    ] = Role.annotator,
    db: DbOption = None,
) -> None:
    """Make NAME a login of the team as an annotator or a reviewer. Their password is
    set apart, never on a command line: `\\password NAME` in psql, as the lead."""
    problem = annotator_name_problem(name)
    if problem is not None:
        fail(f"NAME: {problem}")
    where = store_location(inherited(ctx, "db", db))
    if not isinstance(where, ServerAddress):
        fail(f"the store {where} is a file: roles are for a store on a server (--db URL)")
    ran = add_team_member(where, name, role.value, SCHEMA_VERSION)
    _show(ran)
    msg.good(f"{name} is a {role.value}; set their password with \\password {name} in psql")


def _server(url: str) -> ServerAddress:
    where = parse_location(url)
    if not isinstance(where, ServerAddress):
        fail(f"{url} is not a postgresql:// URL")
    return where


def _show(statements: list[str]) -> None:
    """The SQL that ran, for the lead to read (and to keep)."""
    for statement in statements:
        msg.text(f"{statement};")
