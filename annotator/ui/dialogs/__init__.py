"""The window's dialogs, one concern per module; the window calls these functions."""

from annotator.ui.dialogs.agreement import show_agreement
from annotator.ui.dialogs.annotator_name import ask_annotator_name
from annotator.ui.dialogs.datasets import new_dataset
from annotator.ui.dialogs.help import open_log, show_about, show_shortcuts
from annotator.ui.dialogs.open_store import open_store_window
from annotator.ui.dialogs.patterns import import_patterns_file
from annotator.ui.dialogs.store_lost import offer_to_save_store
from annotator.ui.dialogs.transfer import export_dataset, import_articles, open_samples

__all__ = [
    "ask_annotator_name",
    "export_dataset",
    "import_articles",
    "import_patterns_file",
    "new_dataset",
    "offer_to_save_store",
    "open_log",
    "open_samples",
    "open_store_window",
    "show_about",
    "show_agreement",
    "show_shortcuts",
]
