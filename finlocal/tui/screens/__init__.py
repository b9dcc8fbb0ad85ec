"""The app's screens: the main screen and its dialogs (help, open a file, export)."""
