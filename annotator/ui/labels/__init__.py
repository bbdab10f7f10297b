"""The label bar: the dataset's labels as buttons with their keys."""
