"""End-to-end tests of the Google backend on the emulator."""
