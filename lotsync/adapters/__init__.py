"""The edges: configuration, spreadsheets (local and Google), mail, files, logs."""
