"""Tasks for submitted confirmations: delivery into the inbox, PDF bundles."""

__all__: list[str] = []
