"""What the commands do: a sync, the digests, the check, the fees, the service, the demo."""
