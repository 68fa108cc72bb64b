"""Shipments, carriers and tracking events."""
