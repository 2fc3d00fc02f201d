"""The tabs lotsync writes, as plain typed rows, and how it recognises its own tabs. Pure."""
