"""The core: credentials, session, inventory, poller, demo cloud. No UI imports here."""
