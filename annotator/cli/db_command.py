"""`annotator db`: the store's schema (its tables' shape) and upgrading it."""

from __future__ import annotations

import typer

from annotator.cli.common import DbOption, annotator_name, msg, open_store, store_location
from annotator.cli.labels_command import inherited
from annotator.store import db as store_db
from annotator.store.location import ServerAddress
from annotator.store.server import upgrade_server

app = typer.Typer(help="The store's schema: upgrade a team's server to this version.")


@app.callback(invoke_without_command=True)
def db(ctx: typer.Context, db: DbOption = None) -> None:
    """Upgrade the store's schema (the shape of its tables) to this version of annotator."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


@app.command("upgrade")
def upgrade(ctx: typer.Context, db: DbOption = None) -> None:
    """Bring the store to this version's schema, every step in one transaction. A team's
    server is upgraded only this way, by its lead; a store file upgrades itself when
    opened, after a copy of it is made beside it."""
    where = store_location(inherited(ctx, "db", db))
    newest = store_db.SCHEMA_VERSION
    if isinstance(where, ServerAddress):
        before, after = upgrade_server(where, annotator_name(None) or "unknown", newest)
        if before == after:
            msg.good(f"The store {where} is at schema {after} already: nothing to do")
        else:
            msg.good(f"Upgraded the store {where} from schema {before} to {after}")
        return
    with open_store(where, create=False) as store:
        msg.good(f"The store {store} is at schema {newest} (a file upgrades when opened)")
