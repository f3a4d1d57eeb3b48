"""Submitted confirmations: frozen PDFs, receipts, proof of other channels, the inbox's records."""

__all__: list[str] = []
