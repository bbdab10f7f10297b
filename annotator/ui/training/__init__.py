"""Training the dataset's model from the window: the dialog, its plot, the status bar's
part and the setting that trains again by itself."""
