"""The window itself: the main window, its actions and menus, starting Qt, the
start-up frame, the status bar, and the wiring module that makes every connection."""
