"""plrdesk: an encrypted fieldwork desk for practitioner-researchers in children's services."""

__version__ = "0.1.0"
