"""The command line: click commands, their text and JSON output, exit codes."""
